/**
 * Issue #12, point 4: agreement numbers against values computed by hand (and, for alpha, the
 * published example of Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability": nominal
 * alpha 0.743 for 4 coders × 12 units with missing values).
 */
import { describe, expect, it } from 'vitest';
import { barCategories, cohensKappa, computeAgreement, krippendorffAlphaNominal, spanAgreementF1 } from '../../core/review/agreement.ts';

describe("Cohen's kappa", () => {
  it('matches a hand computation', () => {
    // Pairs: (x,x)×4, (x,y)×2, (y,y)×3, (y,x)×1 → pₒ = 0.7; pₑ = 0.6·0.5 + 0.4·0.5 = 0.5; κ = 0.2/0.5 = 0.4.
    const a = ['x', 'x', 'x', 'x', 'x', 'x', 'y', 'y', 'y', 'y'];
    const b = ['x', 'x', 'x', 'x', 'y', 'y', 'y', 'y', 'y', 'x'];
    expect(cohensKappa(a, b)).toBeCloseTo(0.4, 12);
    expect(cohensKappa(a, a)).toBe(1);
    expect(cohensKappa(['none', 'none'], ['none', 'none'])).toBe(1);
    // Systematic disagreement is below chance.
    expect(cohensKappa(['x', 'y'], ['y', 'x'])).toBeCloseTo(-1, 12);
    expect(() => cohensKappa(['x'], [])).toThrow(RangeError);
  });
});

describe("Krippendorff's alpha (nominal)", () => {
  it('matches hand computations', () => {
    // (a,a), (a,b), (b,b), (c,c): n_a = 3, n_b = 3, n_c = 2, n = 8, Dₒ = 2, Σ n_c n_k = 42 → α = 1 − 7·2/42 = 2/3.
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'b'],
        ['b', 'b'],
        ['c', 'c'],
        ['a', null],
      ]),
    ).toBeCloseTo(2 / 3, 12);
    // Three coders: (a,a,b), (b,b,b): n_a = 2, n_b = 4, n = 6, Dₒ = 2, Σ = 16 → α = 1 − 5·2/16 = 0.375.
    expect(
      krippendorffAlphaNominal([
        ['a', 'a', 'b'],
        ['b', 'b', 'b'],
      ]),
    ).toBeCloseTo(0.375, 12);
    expect(
      krippendorffAlphaNominal([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBe(1);
    expect(krippendorffAlphaNominal([['a', null]])).toBeNaN();
  });

  it("reproduces Krippendorff's published example (α = 0.743)", () => {
    const _ = null;
    const coders = [
      ['1', '2', '3', '3', '2', '1', '4', '1', '2', _, _, _],
      ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', _, '3'],
      [_, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', _],
      ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', _],
    ];
    const units = coders[0].map((__, u) => coders.map((c) => c[u]));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });
});

describe('span F1 between annotators', () => {
  it('matches spans one-to-one at IoU ≥ 0.5, micro-averaged over windows', () => {
    // Window 1: (0–9) vs (1–10) IoU 9/11 → match; A's 20–29 and B's 50–55 unmatched. Window 2: IoU 5/15 < 0.5.
    // tp 1, fp 2, fn 2 → P = R = 1/3 → F1 = 1/3.
    const a = [
      [
        { start: 0, end: 9, type: 'up' },
        { start: 20, end: 29, type: 'up' },
      ],
      [{ start: 5, end: 14, type: 'up' }],
    ];
    const b = [
      [
        { start: 1, end: 10, type: 'up' },
        { start: 50, end: 55, type: 'down' },
      ],
      [{ start: 10, end: 19, type: 'up' }],
    ];
    expect(spanAgreementF1(a, b)).toBeCloseTo(1 / 3, 12);
    expect(spanAgreementF1(b, a)).toBeCloseTo(1 / 3, 12);
    expect(spanAgreementF1(a, a)).toBe(1);
  });
});

describe('computeAgreement', () => {
  it('pairs, alpha over all annotators and the windows in disagreement', () => {
    const w = (windowId: number, entries: Array<[string, Array<{ start: number; end: number; type: string }>]>) => ({
      windowId,
      length: 10,
      byAnnotator: new Map(entries),
    });
    const result = computeAgreement([
      w(1, [
        ['ann', [{ start: 2, end: 5, type: 'up' }]],
        ['bob', [{ start: 2, end: 5, type: 'up' }]],
      ]),
      w(2, [
        ['ann', [{ start: 0, end: 4, type: 'down' }]],
        ['bob', [{ start: 5, end: 9, type: 'down' }]],
        ['cy', [{ start: 0, end: 4, type: 'down' }]],
      ]),
      w(3, [['cy', [{ start: 1, end: 3, type: 'up' }]]]),
    ]);
    expect(result.annotators).toEqual(['ann', 'bob', 'cy']);
    const pair = (a: string, b: string) => result.pairs.find((p) => p.a === a && p.b === b)!;
    // ann–bob: window 1 matches, window 2 does not (IoU 0): tp 1, fp 1, fn 1 → F1 0.5.
    // Bars (20): ann = none×2 up×4 none×4 | down×5 none×5; bob = same | none×5 down×5.
    // Agree on 10 → pₒ = 0.5; ann: none 11, up 4, down 5; bob the same → pₑ = (121 + 16 + 25)/400 = 0.405; κ = 0.095/0.595.
    expect(pair('ann', 'bob')).toMatchObject({ windows: 2, spanF1: 0.5 });
    expect(pair('ann', 'bob').kappa).toBeCloseTo(0.095 / 0.595, 12);
    // ann–cy share window 2 only, where they agree exactly.
    expect(pair('ann', 'cy')).toMatchObject({ windows: 1, spanF1: 1, kappa: 1 });
    expect(pair('bob', 'cy')).toMatchObject({ windows: 1, spanF1: 0 });
    expect(result.disagreements).toEqual([{ windowId: 2, annotators: ['ann', 'bob', 'cy'], bars: 10 }]);
    // Consensus: window 1 up on 2–5 (ann = bob); window 2 down on 0–4 (ann + cy against bob), none on 5–9 (2 of 3).
    // ann and cy match it exactly; bob matches window 1 and misses window 2's span (and adds one): F1 = 1/(1 + 0.5·2) = 0.5.
    const vs = (a: string) => result.vsConsensus.find((x) => x.annotator === a)!;
    expect(vs('ann')).toEqual({ annotator: 'ann', windows: 2, spanF1: 1, kappa: 1 });
    expect(vs('cy')).toEqual({ annotator: 'cy', windows: 1, spanF1: 1, kappa: 1 });
    expect(vs('bob')).toMatchObject({ windows: 2, spanF1: 0.5 });
    expect(vs('bob').kappa).toBeCloseTo(0.095 / 0.595, 12);
    // Alpha over the 20 bars of windows 1–2 (window 3 has one annotator: not pairable). Coincidences:
    // up–up 8, none–none 12 + 5, down–down 5, down–none 10, none–down 10 → n_up 8, n_none 27, n_down 15, n 50;
    // Dₒ = 20; Σ n_c n_k = 2(8·27 + 8·15 + 27·15) = 1482 → α = 1 − 49·20/1482 = 502/1482.
    expect(result.alpha).toBeCloseTo(502 / 1482, 12);
    expect(barCategories(4, [{ start: 1, end: 2, type: 'up' }])).toEqual(['none', 'up', 'up', 'none']);
  });
});

describe('agreement through the service and the CLI', () => {
  it('two annotators on the same windows of a real series, a third imported with --annotator', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { CandlemarkService } = await import('../../core/service/service.ts');
    const { main } = await import('../../cli/main.ts');
    const { SHARED_DATA, tempDir } = await import('../helpers/paths.ts');
    const dir = tempDir();
    const project = path.join(dir, 'p.candlemark');
    const s = CandlemarkService.open(project, { create: true, author: 'host' });
    let w1: { id: number; startIndex: number };
    let w2: { id: number; startIndex: number };
    let times: Float64Array;
    try {
      await s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv'), seriesId: 'spy' });
      await s.call('windows.create', { seriesId: 'spy', length: 10, stride: 10 });
      [w1, w2] = s.store.listWindows();
      times = s.store.readTimes('spy');
      const add = (w: { id: number; startIndex: number }, a: number, b: number, type: string, annotator: string) =>
        s.call('labels.add', { windowId: w.id, startTime: times[w.startIndex + a], endTime: times[w.startIndex + b], type, annotator });
      // The constructed set of computeAgreement's test above, on real bars: same numbers expected.
      await add(w1, 2, 5, 'up', 'ann');
      await add(w1, 2, 5, 'up', 'bob');
      await add(w2, 0, 4, 'down', 'ann');
      await add(w2, 5, 9, 'down', 'bob');
    } finally {
      s.close();
    }
    // Cy's labels come from a file that names no annotator: `labels import --annotator cy`.
    const file = path.join(dir, 'cy.json');
    const iso = (i: number) => new Date(times![i]).toISOString();
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        series: [{ id: 'spy', csv: null }],
        labelTypes: ['up', 'down'],
        windows: [
          {
            id: 'x',
            series: 'spy',
            start: iso(w2!.startIndex),
            length: 10,
            spans: [{ start: iso(w2!.startIndex), end: iso(w2!.startIndex + 4), type: 'down' }],
          },
        ],
      }),
    );
    const out: string[] = [];
    const sink = { write: (c: string) => (out.push(c), true) } as unknown as NodeJS.WritableStream;
    expect(await main(['labels', 'import', file, '--annotator', 'cy', '--project', project], sink, sink)).toBe(0);
    // Importing cy's file keeps ann's and bob's spans in window 2 (it speaks for cy only).
    const s2 = CandlemarkService.open(project, { author: 'host' });
    try {
      expect(
        s2.store
          .listLabels({ windowId: w2!.id })
          .map((l) => l.author)
          .sort(),
      ).toEqual(['ann', 'bob', 'cy']);
    } finally {
      s2.close();
    }
    out.length = 0;
    expect(await main(['agreement', '--json', '--project', project], sink, sink)).toBe(0);
    const r = JSON.parse(out.at(-1)!);
    expect(r.annotators).toEqual(['ann', 'bob', 'cy']);
    expect(r.sharedWindows).toBe(2);
    expect(r.pairs.find((p: { a: string; b: string }) => p.a === 'ann' && p.b === 'bob')).toMatchObject({ windows: 2, spanF1: 0.5 });
    expect(r.pairs.find((p: { a: string; b: string }) => p.a === 'ann' && p.b === 'bob').kappa).toBeCloseTo(0.095 / 0.595, 12);
    expect(r.alpha).toBeCloseTo(502 / 1482, 12);
    expect(r.disagreements).toEqual([{ windowId: w2!.id, setId: 1, annotators: ['ann', 'bob', 'cy'], bars: 10 }]);
    out.length = 0;
    expect(await main(['agreement', '--project', project], sink, sink)).toBe(0);
    expect(out.join('')).toMatch(/Krippendorff's alpha \(nominal, per bar\) 0\.339/);
  });
});

/**
 * Ordinary input errors are never reported as `internal`: every command gets many argument objects
 * built from its own schema's field names, filled with the kind of mistakes a caller makes (ids that
 * don't exist, times that are no bar's, unknown names, missing files and folders, wrong types, empty
 * values) — some pass the schema and reach the store, some don't. Every call must either succeed or
 * fail with a CandlemarkError whose code is not `internal`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { commandSchemas, type CommandName } from '../../core/service/schemas.ts';
import { mulberry32 } from '../../core/shared/random.ts';
import { tempDir } from '../helpers/paths.ts';

const CALLS_PER_COMMAND = 40;
/** Training with arguments that pass the schema would really train: these get hand-picked bad arguments only. */
const TRAINING = new Set<string>(['train.run', 'train.start']);

let dir: string;
let service: CandlemarkService;
let barTimes: number[];

beforeAll(async () => {
  dir = tempDir();
  service = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true });
  await service.call('demo.create', { seed: 3, bars: 600 });
  const w = service.store.listWindows()[0];
  barTimes = [w.startTime, w.endTime, w.startTime + 1, 0, -86_400_000, 8.64e15];
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a csv at all\n');
  fs.writeFileSync(path.join(dir, 'empty.csv'), '');
  fs.mkdirSync(path.join(dir, 'folder.csv'));
});
afterAll(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** A zod 4 schema's inner type, through optional/default/nullable wrappers. */
interface ZodLike {
  def: { type: string; innerType?: ZodLike; element?: ZodLike; entries?: Record<string, string>; shape?: Record<string, ZodLike> };
  shape?: Record<string, ZodLike>;
}
function unwrap(s: ZodLike): ZodLike {
  let cur = s;
  while (cur.def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(cur.def.type)) cur = cur.def.innerType;
  return cur;
}

function badValue(rand: Rand, field: string, schema: ZodLike, depth = 0): unknown {
  const s = unwrap(schema);
  const wrongType = pick(rand, [null, 'x', -1, 1.5, true, [], {}]);
  if (rand() < 0.15) return wrongType;
  switch (s.def.type) {
    case 'number':
      if (/time/i.test(field)) return pick(rand, barTimes);
      return pick(rand, [1, 2, 3, 999_999, 2 ** 31, 0, -5]);
    case 'string':
      if (/path|csv|from/i.test(field)) {
        return pick(rand, [
          '/nonexistent-candlemark/x.csv',
          path.join(dir, 'notes.txt'),
          path.join(dir, 'empty.csv'),
          path.join(dir, 'folder.csv'),
          path.join(dir, 'missing', 'out.json'),
          dir,
        ]);
      }
      return pick(rand, ['nope', 'up', 'demo-3', '', 'a.json', 'x.csv', '../../etc', 'ünïcode']);
    case 'boolean':
      return rand() < 0.5;
    case 'enum':
      return rand() < 0.7 ? pick(rand, Object.values(s.def.entries ?? {})) : 'sideways';
    case 'array': {
      const n = pick(rand, [0, 1, 2, 3]);
      return Array.from({ length: n }, () => (s.def.element && depth < 3 ? badValue(rand, field, s.def.element, depth + 1) : 1));
    }
    case 'object':
      return badArgs(rand, s, depth + 1);
    default:
      return wrongType;
  }
}

function badArgs(rand: Rand, schema: ZodLike, depth = 0): Record<string, unknown> {
  const shape = schema.shape ?? schema.def.shape ?? {};
  const args: Record<string, unknown> = {};
  for (const [field, fieldSchema] of Object.entries(shape)) if (rand() < 0.8) args[field] = badValue(rand, field, fieldSchema, depth);
  if (rand() < 0.05) args.extra = 1;
  return args;
}

describe('ordinary input errors are never internal', () => {
  it(`${CALLS_PER_COMMAND} malformed or dangling calls per command`, async () => {
    const rand = mulberry32(20261205);
    const internal: string[] = [];
    const byCode = new Map<string, number>();
    let total = 0;
    const tryCall = async (command: string, args: unknown) => {
      total++;
      try {
        await service.call(command, args);
        byCode.set('ok', (byCode.get('ok') ?? 0) + 1);
      } catch (e) {
        if (!(e instanceof CandlemarkError)) {
          internal.push(`${command} ${JSON.stringify(args)} threw a non-service error: ${String(e)}`);
          return;
        }
        byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
        if (e.code === 'internal') internal.push(`${command} ${JSON.stringify(args)}: ${e.message}`);
      }
    };
    for (const name of Object.keys(commandSchemas) as CommandName[]) {
      if (TRAINING.has(name)) continue;
      for (let i = 0; i < CALLS_PER_COMMAND; i++) await tryCall(name, badArgs(rand, commandSchemas[name] as unknown as ZodLike));
    }
    for (const name of TRAINING) {
      await tryCall(name, { setId: 999_999, epochs: 1 });
      await tryCall(name, { features: [] });
      await tryCall(name, { model: 'lstm' });
    }
    console.log(`${total} calls: ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    expect(internal).toEqual([]);
    // The run really exercised the store, not just the schemas.
    expect(byCode.get('not-found') ?? 0).toBeGreaterThan(10);
    expect(byCode.get('invalid-arguments') ?? 0).toBeGreaterThan(100);
  }, 120_000);
});

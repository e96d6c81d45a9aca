/** The project home: what is in the project, how far labelling has come, and the ways to add data. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { ProjectInfo, WindowSetInfo } from '../api/types.ts';
import { DEMO_APP_UNLABELLED } from '../../../core/service/schemas.ts';
import { RenameSeries } from './RenameSeries.tsx';
import { SpansList } from './SpansList.tsx';
import type { useProgress } from '../state/progress.ts';
import { firstUnlabelledRoute, worstConflictRoute } from '../state/home-links.ts';
import { formatRoute, type Route } from '../state/route.ts';
import { toast } from '../state/toasts.ts';
import { useSetProgress } from '../state/set-progress.ts';
import { nextStep } from '../state/next-step.ts';
import { renameSet, useNames } from '../state/names.ts';
import { NameEditor } from './NameEditor.tsx';
import { DeleteSetButton } from './DeleteSetButton.tsx';
import { DeleteSeriesButton } from './DeleteSeriesButton.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { ImportCard } from './ImportCard.tsx';
import { LabelsCard } from './LabelsCard.tsx';
import { AgreementCard } from './AgreementCard.tsx';
import { Meter } from './Meter.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { WindowsForm } from './WindowsForm.tsx';

interface Props {
  info: ProjectInfo;
  progress: ReturnType<typeof useProgress>;
  refresh(): Promise<void>;
  openSet(setId: number): void;
  openTraining(): void;
}

const fmtDate = (ms: number | null) => (ms == null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

export function Home({ info, progress, refresh, openSet, openTraining }: Props) {
  const [demoError, setDemoError] = useState<ApiError | null>(null);
  /** The set whose spans are listed (SpansList), or null. */
  const [spansOf, setSpansOf] = useState<number | null>(null);
  const c = info.counts;
  const empty = info.series.length === 0;

  const createDemo = async () => {
    progress.begin('demo', 'creating demo project data');
    try {
      await call('demo.create', { unlabelled: DEMO_APP_UNLABELLED });
      setDemoError(null);
      await refresh();
    } catch (e) {
      setDemoError(toApiError(e));
    } finally {
      progress.end('demo');
    }
  };
  const demoTask = progress.tasks.find((t) => t.task === 'demo');
  const setProgress = useSetProgress(info.windowSets, info.counts);
  const names = useNames();
  /** A count's link: where its list is (a route pushed to history, so Back returns to Home). */
  const follow = (find: () => Promise<Route | null>, none: string) => () =>
    void find()
      .then((r) => (r ? (window.location.hash = formatRoute(r)) : toast(none, { kind: 'info' })))
      .catch((e: unknown) => toast(toApiError(e).message, { kind: 'warn' }));
  const toUnlabelled = follow(() => firstUnlabelledRoute(info.windowSets), 'Every window is labelled.');
  const toConflicts = follow(worstConflictRoute, 'No open conflicts.');

  return (
    <main className="home" data-testid="home">
      {spansOf != null && (
        <SpansList
          setId={spansOf}
          title={`set ${spansOf}${names.sets[spansOf] ? ` “${names.sets[spansOf]}”` : ''}`}
          total={info.windowSets.find((w) => w.id === spansOf)?.windowCount ?? 0}
          onClose={() => setSpansOf(null)}
          onOpenWindow={(windowId) => (window.location.hash = formatRoute({ view: 'label', setId: spansOf, windowId }))}
        />
      )}
      <section className="card summary" data-testid="summary">
        <div className="summary-head">
          <div>
            <h1>Project</h1>
            <p className="muted path" title={info.path}>
              {info.path}
            </p>
          </div>
          <div className="home-actions">
            <button
              className="btn primary"
              onClick={openTraining}
              disabled={c.labelledWindows === 0}
              data-testid="home-train"
              title={c.labelledWindows === 0 ? 'Label some windows first' : 'Train a span detector on the labelled windows'}
            >
              ▶ Train
            </button>
            <span className="muted small">
              {c.runs} run{c.runs === 1 ? '' : 's'}
            </span>
          </div>
          <div className="stats">
            <Stat label="windows" value={c.windows} testId="count-windows" />
            <Stat label="labelled" value={c.labelledWindows} testId="count-labelled" />
            <Stat
              label="unlabelled"
              value={c.unlabelledWindows}
              testId="count-unlabelled"
              onOpen={c.unlabelledWindows > 0 ? toUnlabelled : undefined}
              title="Open the first unlabelled window"
            />
            <Stat
              label="windows in conflict"
              value={c.windowsInConflict}
              testId="count-conflict"
              warn={c.windowsInConflict > 0}
              onOpen={c.windowsInConflict > 0 ? toConflicts : undefined}
              title="Windows that are part of at least one open conflict: open the most severe one"
            />
            <Stat label="spans" value={c.labels} testId="count-labels" />
            <Stat
              label={`open conflict${c.findings.open === 1 ? '' : 's'}`}
              value={c.findings.open}
              testId="count-findings"
              warn={c.findings.open > 0}
              onOpen={c.findings.open > 0 ? toConflicts : undefined}
              title={`Open conflicts (each between two windows; ${c.findings.ignored} ignored, ${c.findings.resolved} resolved): open the most severe one`}
            />
          </div>
        </div>
        <Meter labelled={c.labelledWindows} total={c.windows} conflicts={c.windowsInConflict} />
        <NextStepLine step={nextStep(info)} onLabel={toUnlabelled} onConflicts={toConflicts} onTrain={openTraining} />
        {empty && (
          <div className="empty" data-testid="empty">
            <p>
              This project is empty. Import a CSV below, or load the demo data to try things out: a generated series cut into windows, most of them labelled,
              with a few contradictions to resolve and the latest third of the training windows left for you to label.
            </p>
            <button className="btn primary" onClick={() => void createDemo()} disabled={!!demoTask} data-testid="create-demo">
              Load the demo data
            </button>
            {demoTask && <ProgressBar task={demoTask} />}
            <ErrorBox error={demoError} onDismiss={() => setDemoError(null)} />
          </div>
        )}
      </section>

      <div className="home-grid">
        <section className="card" data-testid="series-card">
          <h2>Series</h2>
          {info.series.length === 0 ? (
            <p className="muted">No series yet.</p>
          ) : (
            <div className="table-scroll">
              <table className="table" data-testid="series-table">
                <thead>
                  <tr>
                    <th>Series</th>
                    <th className="num">Bars</th>
                    <th>First bar (UTC)</th>
                    <th>Last bar (UTC)</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {info.series.map((s) => (
                    <tr key={s.id} data-testid={`series-${s.id}`}>
                      <td>
                        <strong>{s.id}</strong> <RenameSeries seriesId={s.id} onRenamed={() => void refresh()} />
                        {s.source && <div className="muted small">{s.source}</div>}
                      </td>
                      <td className="num">{s.barCount.toLocaleString()}</td>
                      <td>{fmtDate(s.firstTime)}</td>
                      <td>{fmtDate(s.lastTime)}</td>
                      <td>
                        <DeleteSeriesButton seriesId={s.id} onDeleted={() => void refresh()} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section className="card" data-testid="sets-card">
          <h2>Window sets</h2>
          {info.windowSets.length === 0 ? (
            <p className="muted">No windows yet: cut a series into windows below.</p>
          ) : (
            <div className="table-scroll">
              <table className="table" data-testid="sets-table">
                <thead>
                  <tr>
                    <th>Set</th>
                    <th>Series</th>
                    <th className="num">Windows</th>
                    <th>Labelled</th>
                    <th>Length / stride</th>
                    <th>Split</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {info.windowSets.map((s: WindowSetInfo) => (
                    <tr key={s.id} data-testid={`set-${s.id}`}>
                      <td>
                        #{s.id}{' '}
                        <NameEditor name={names.sets[s.id]} placeholder={`name for set ${s.id}`} onSave={(n) => renameSet(s.id, n)} testId={`set-${s.id}`} />{' '}
                        {s.origin === 'imported' && <span className="chip">imported</span>}
                      </td>
                      <td>{s.seriesId}</td>
                      <td className="num">{s.windowCount.toLocaleString()}</td>
                      <td data-testid={`set-progress-${s.id}`}>{setProgress.get(s.id) ? <SetMeter {...setProgress.get(s.id)!} /> : '…'}</td>
                      <td>
                        {s.length} / {s.stride ?? '—'}
                      </td>
                      <td>
                        {s.split} ({Math.round(s.valFraction * 100)}% val)
                      </td>
                      <td>
                        <div className="row-actions">
                          <button className="btn primary small" onClick={() => openSet(s.id)} data-testid={`open-set-${s.id}`}>
                            Label →
                          </button>
                          <button
                            className="btn small"
                            onClick={() => setSpansOf(s.id)}
                            data-testid={`spans-set-${s.id}`}
                            title="Every span of this set, with its note"
                          >
                            Spans
                          </button>
                          <DeleteSetButton setId={s.id} onDeleted={() => void refresh()} />
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <ImportCard
          progress={progress}
          onImported={() => {
            toast('Imported: the new series is listed under Series; cut it into windows next.');
            void refresh();
          }}
        />
        <WindowsForm
          series={info.series}
          sets={info.windowSets}
          onCreated={() => {
            void refresh();
          }}
        />
        <LabelsCard
          onImported={() => {
            toast('Labels imported: progress and conflicts above are up to date (Ctrl+Z in a window undoes the import).');
            void refresh();
          }}
        />
        <AgreementCard />
      </div>
      <footer className="muted small attribution">
        Press <kbd>?</kbd> for keys. Charts by{' '}
        <a href="https://www.tradingview.com/" target="_blank" rel="noreferrer noopener">
          TradingView Lightweight Charts™
        </a>
        .
      </footer>
    </main>
  );
}

function Stat({
  label,
  value,
  testId,
  warn,
  onOpen,
  title,
}: {
  label: string;
  value: number;
  testId: string;
  warn?: boolean;
  onOpen?: () => void;
  title?: string;
}) {
  const body = (
    <>
      <div className="stat-value" data-testid={testId}>
        {value.toLocaleString()}
      </div>
      <div className="stat-label">{label}</div>
    </>
  );
  // A count with a list behind it is a link to that list.
  return onOpen ? (
    <button className={'stat stat-link' + (warn ? ' warn' : '')} onClick={onOpen} title={title} data-testid={`${testId}-link`}>
      {body}
    </button>
  ) : (
    <div className={'stat' + (warn ? ' warn' : '')} title={title}>
      {body}
    </div>
  );
}

/** One set's labelling progress: a bar and "31/52". */
function SetMeter({ labelled, total }: { labelled: number; total: number }) {
  return (
    <span className="set-meter" title={`${labelled} of ${total} windows labelled (a span, or marked “no span”)`}>
      <span className="set-meter-bar">
        <span style={{ width: `${total ? (100 * labelled) / total : 0}%` }} />
      </span>
      <span className="small">
        {labelled}/{total}
      </span>
    </span>
  );
}

/** "What next": one line, with a button where the step has a place to go. */
function NextStepLine({ step, onLabel, onConflicts, onTrain }: { step: ReturnType<typeof nextStep>; onLabel(): void; onConflicts(): void; onTrain(): void }) {
  const go =
    step.kind === 'label' || step.kind === 'review'
      ? { label: 'Open the first unlabelled window', run: onLabel }
      : step.kind === 'conflicts'
        ? { label: 'Open the worst conflict', run: onConflicts }
        : step.kind === 'train'
          ? { label: 'Train', run: onTrain }
          : null;
  return (
    <p className="next-step small" data-testid="next-step" data-kind={step.kind}>
      <strong>Next:</strong> {step.text}{' '}
      {go && (
        <button className="btn small" onClick={go.run} data-testid="next-step-go">
          {go.label} →
        </button>
      )}
    </p>
  );
}

/**
 * The training view: settings and Retrain, the live run (loss curves, task weights, ETA, Cancel),
 * the runs list with comparison (results/ComparisonView.tsx), and one run's report (route
 * #/training/run/N, RunReport.tsx).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import type { CommandInput, ProjectInfo, RunSummary, TaskName, TrainingCheck, WindowSetInfo } from '../api/types.ts';
import {
  PRESET_EPOCHS,
  labelSourceArgs,
  lastLabelledSet,
  loadSettings,
  saveSettings,
  type LiveRun,
  type Preset,
  type Training,
  type TrainSettings,
} from '../state/training.ts';
import { useReconnect, useServiceEvents } from '../state/events.ts';
import { windowSetName } from '../../../core/ml/training/preflight.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { NUMERIC_TRAIN_FIELDS, validateTrainField, type NumericTrainField } from '../state/train-limits.ts';
import { ComparisonView } from './results/ComparisonView.tsx';
import { fmtDuration, fmtNum } from './results/format.ts';
import { liveEpochDomain } from './results/plot-geometry.ts';
import { loadComparison, type ComparisonData } from './results/load-comparison.ts';
import { StatusChip, isIncomplete } from './results/StatusChip.tsx';
import { RunReportCard } from './RunReport.tsx';
import { DeleteRunButton } from './DeleteRunButton.tsx';
import { LabelSourceField } from './LabelSourceField.tsx';
import { NameEditor } from './NameEditor.tsx';
import { renameRun, useNames } from '../state/names.ts';
import { LinePlot, PLOT_COLORS } from './SvgPlot.tsx';
import { TASK_COLORS } from '../../../core/ml/eval/report-export.ts';

const TASK_NAMES: TaskName[] = ['pointer', 'type', 'span', 'countdown'];

// App shows run durations too; the formats live in results/ with the report's and comparison's.
export { fmtDuration, fmtNum };

interface Props {
  info: ProjectInfo;
  training: Training;
  runId: number | null;
  /** Runs to compare (their own route), or null. */
  compare: number[] | null;
  openRun(runId: number | null): void;
  openCompare(runIds: number[]): void;
  onHome(): void;
}

export function TrainingView({ info, training, runId, compare, openRun, openCompare, onHome }: Props) {
  const mainRef = useRef<HTMLElement>(null);
  const compareKey = compare?.join(',') ?? '';
  // A report or a comparison opens at the top of the view, where the eye is (not below the runs).
  useEffect(() => {
    if (runId != null || compareKey) mainRef.current?.scrollTo({ top: 0 });
  }, [runId, compareKey]);
  return (
    <main className="home training" data-testid="training" ref={mainRef}>
      {runId != null && (
        <div className="result-view" data-testid="report-view">
          <RunReportCard key={runId} runId={runId} onClose={() => openRun(null)} />
        </div>
      )}
      {compare && compare.length >= 2 && <ComparisonRoute key={compareKey} runIds={compare} onClose={() => openRun(null)} />}
      <div className="training-grid">
        <SettingsCard sets={info.windowSets} training={training} onHome={onHome} />
        <LiveCard training={training} />
      </div>
      <RunsCard training={training} openRun={openRun} openCompare={openCompare} selectedRun={runId} />
    </main>
  );
}

/** The comparison of runs named by the route (#/training/compare/1,3,4), loaded when it opens. */
function ComparisonRoute({ runIds, onClose }: { runIds: number[]; onClose(): void }) {
  const [data, setData] = useState<ComparisonData | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let dead = false;
    loadComparison(runIds).then(
      (d) => !dead && setData(d),
      (e) => !dead && setError(toApiError(e)),
    );
    return () => {
      dead = true;
    };
  }, [runIds]);
  return (
    <section className="card result-view" data-testid="comparison-view">
      <ErrorBox error={error} onDismiss={onClose} testId="comparison-error" />
      {!data && !error && <p className="muted">Comparing runs {runIds.join(', ')}…</p>}
      {data && <ComparisonView data={data} onClose={onClose} />}
    </section>
  );
}

/** The Retrain form's default set: the one last labelled, else the newest. */
function defaultSet(sets: WindowSetInfo[]): number | null {
  const last = lastLabelledSet();
  if (last != null && sets.some((x) => x.id === last)) return last;
  return sets.length ? Math.max(...sets.map((x) => x.id)) : null;
}

/**
 * Whether a run can start on `setId` (train.check): the labelled train/validation counts and, when
 * not, the reason, counted with the form's label source (one annotator's labels: their windows only).
 * Re-read when labels or windows change, after a run, after a reconnect, and when the source changes.
 */
function useTrainingCheck(
  setId: number | null,
  version: number,
  source: Pick<TrainSettings, 'labelSource' | 'annotatorWeights' | 'walkForwardFolds'>,
): { check: TrainingCheck | null; error: ApiError | null } {
  // A string, so the effect re-runs when the source changes, not on every render's new object.
  const sourceKey = JSON.stringify(labelSourceArgs(source).labelSource ?? 'all');
  // Walk-forward does not use the roles: it counts every labelled window (preflight.ts).
  const evaluation = source.walkForwardFolds >= 2 ? 'walk-forward' : 'holdout';
  const [check, setCheck] = useState<TrainingCheck | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [changes, setChanges] = useState(0);
  const bump = () => setChanges((v) => v + 1);
  useServiceEvents(['labels.changed', 'windows.changed'], bump);
  useReconnect(bump);
  useEffect(() => {
    if (setId == null) {
      setCheck(null);
      return;
    }
    let dead = false;
    const labelSource = JSON.parse(sourceKey) as CommandInput<'train.check'>['labelSource'];
    call('train.check', { setId, labelSource, evaluation })
      .then((c) => {
        if (dead) return;
        setCheck(c);
        setError(null);
      })
      .catch((e: unknown) => {
        if (dead) return;
        setCheck(null);
        setError(toApiError(e));
      });
    return () => {
      dead = true;
    };
  }, [setId, version, changes, sourceKey, evaluation]);
  return { check: check && check.setId === setId ? check : null, error };
}

function SettingsCard({ sets, training, onHome }: { sets: WindowSetInfo[]; training: Training; onHome(): void }) {
  const [s, setS] = useState<TrainSettings>(loadSettings);
  const [setId, setSetId] = useState<number | null>(() => defaultSet(sets));
  // A set deleted (or the first one created) while the form is open: fall back to the default.
  useEffect(() => {
    if (setId == null || !sets.some((x) => x.id === setId)) setSetId(defaultSet(sets));
  }, [sets, setId]);
  const { check, error: checkError } = useTrainingCheck(setId, training.version, s);
  const blocked = setId == null ? 'No window sets yet: create windows on the project home first.' : check && !check.ok ? check.reason : null;
  const [advanced, setAdvanced] = useState(false);
  const update = (patch: Partial<TrainSettings>) =>
    setS((cur) => {
      const next = { ...cur, ...patch };
      saveSettings(next);
      return next;
    });
  // What is typed in each number field, kept as text until the schema accepts it (train-limits.ts):
  // an invalid value shows its own message beside the field and keeps Retrain off.
  const [drafts, setDrafts] = useState<Partial<Record<NumericTrainField, string>>>({});
  const shown = (f: NumericTrainField) => drafts[f] ?? String(s[f]);
  const fieldErrors = Object.fromEntries(NUMERIC_TRAIN_FIELDS.map((f) => [f, validateTrainField(f, shown(f))])) as Record<NumericTrainField, string | null>;
  const invalid = NUMERIC_TRAIN_FIELDS.filter((f) => fieldErrors[f] !== null);
  const setPreset = (p: Preset) => {
    if (p !== 'custom') setDrafts(({ epochs: _dropped, ...rest }) => rest);
    update(p === 'custom' ? { preset: p } : { preset: p, epochs: PRESET_EPOCHS[p] });
  };
  const edit = (f: NumericTrainField, raw: string) => {
    setDrafts((d) => ({ ...d, [f]: raw }));
    if (validateTrainField(f, raw) === null) update(f === 'epochs' ? { epochs: Number(raw), preset: 'custom' } : { [f]: Number(raw) });
  };
  const numberField = (f: NumericTrainField, label: string, testId: string, extra: { step?: number } = {}) => (
    <label className={fieldErrors[f] ? 'field-invalid' : undefined}>
      {label}
      <input
        type="number"
        value={shown(f)}
        step={extra.step}
        onChange={(e) => edit(f, e.target.value)}
        aria-invalid={fieldErrors[f] !== null}
        aria-describedby={fieldErrors[f] ? `${testId}-error` : undefined}
        data-testid={testId}
      />
      {fieldErrors[f] && (
        <span className="field-error small" id={`${testId}-error`} role="alert" data-testid={`${testId}-error`}>
          {fieldErrors[f]}
        </span>
      )}
    </label>
  );
  const runs = s.model === 'both' ? 2 : 1;

  return (
    <section className="card" data-testid="train-settings">
      <h2>Train a span detector</h2>
      <div className="form-grid">
        <label>
          Window set
          <select value={setId ?? ''} onChange={(e) => setSetId(Number(e.target.value))} disabled={sets.length === 0} data-testid="train-set">
            {sets.length === 0 && <option value="">none yet</option>}
            {sets.map((x) => (
              <option key={x.id} value={x.id} title={`${x.windowCount} windows, ${x.split} split`}>
                #{x.id} {windowSetName(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={s.model} onChange={(e) => update({ model: e.target.value as TrainSettings['model'] })} data-testid="train-model">
            <option value="soft">soft (threshold)</option>
            <option value="crf">CRF (Viterbi)</option>
            <option value="both">both (soft, then CRF)</option>
          </select>
        </label>
        <label>
          Preset
          <select value={s.preset} onChange={(e) => setPreset(e.target.value as Preset)} data-testid="train-preset">
            <option value="quick">quick · {PRESET_EPOCHS.quick} epochs</option>
            <option value="standard">standard · {PRESET_EPOCHS.standard} epochs</option>
            <option value="thorough">thorough · {PRESET_EPOCHS.thorough} epochs</option>
            <option value="custom">custom · {s.epochs} epochs</option>
          </select>
        </label>
      </div>
      <details
        className="advanced"
        open={advanced || invalid.length > 0}
        onToggle={(e) => setAdvanced((e.target as HTMLDetailsElement).open)}
        data-testid="train-advanced"
      >
        <summary>Advanced</summary>
        <div className="form-grid">
          {numberField('epochs', 'Epochs', 'train-epochs')}
          {numberField('batchSize', 'Batch size', 'train-batch')}
          {numberField('learningRate', 'Learning rate', 'train-lr', { step: 0.0005 })}
          <label>
            Encoder
            <select value={s.encoder} onChange={(e) => update({ encoder: e.target.value as TrainSettings['encoder'] })} data-testid="train-encoder">
              <option value="conv">conv</option>
              <option value="conv-attn">conv + attention</option>
            </select>
          </label>
          <label title="All 23 (default): the 14 generic per-bar features plus the causal expansion-run state (range against the 50-bar median, run length, move, gap) and the expansion rule’s verdict on each run as the window shows it. Generic 14: without the expansion-run features (your spans are not range expansions as the demo rule defines them). Expansion rule 6: only what the demo's expansion rule weighs (labels from that rule; few windows).">
            Features
            <select value={s.featureSet} onChange={(e) => update({ featureSet: e.target.value as TrainSettings['featureSet'] })} data-testid="train-features">
              <option value="default">all 23 (default)</option>
              <option value="generic">generic 14</option>
              <option value="expansion">expansion rule 6</option>
            </select>
          </label>
          <label
            className="check"
            title="On by default: the model that is evaluated and kept is the running average of the recent weights, and the learning rate decays along a cosine to a tenth by the last epoch. It keeps long runs from drifting after their best epoch (docs/BENCHMARKS.md, long runs). Off: the raw weights and a constant learning rate."
          >
            <input type="checkbox" checked={s.averaging} onChange={(e) => update({ averaging: e.target.checked })} data-testid="train-stabilise" />
            Weight averaging + cosine decay
          </label>
          {numberField('ensemble', 'Ensemble', 'train-ensemble')}
          {numberField('seed', 'Seed', 'train-seed')}
          <label title="Open contradiction findings between overlapping windows: train on both sides, mask the disputed bars, or down-weight them by severity">
            Contradictions
            <select
              value={s.contradictions}
              onChange={(e) => update({ contradictions: e.target.value as TrainSettings['contradictions'] })}
              data-testid="train-contradictions"
            >
              <option value="train-both">train on both sides</option>
              <option value="mask">mask disputed bars</option>
              <option value="down-weight">down-weight by severity</option>
            </select>
          </label>
          <LabelSourceField s={s} update={update} version={training.version} />
          <label title="Holdout: train/validation by window role, headline on the held-out test block. Walk-forward (small projects): k time blocks, each tested by a model trained only on the blocks before it (one window purged between parts); the report gives the mean and spread over folds, and its headline is the held-out test block (the last test fraction, cut off before the folds) scored once by the last fold's model. Costs k trainings.">
            Evaluation
            <select value={s.walkForwardFolds} onChange={(e) => update({ walkForwardFolds: Number(e.target.value) })} data-testid="train-evaluation">
              <option value={0}>holdout + test block</option>
              <option value={3}>walk-forward, 3 folds</option>
              <option value={5}>walk-forward, 5 folds</option>
            </select>
          </label>
        </div>
      </details>
      {check && (
        <p className="muted small" data-testid="train-counts">
          Labelled in this set: <strong data-testid="train-count-train">{check.labelledTrain}</strong> of {check.trainWindows} training windows,{' '}
          <strong data-testid="train-count-val">{check.labelledValidation}</strong> of {check.validationWindows} validation windows{' '}
          {check.evaluation === 'walk-forward'
            ? `(walk-forward does not use the roles: it needs ${check.minTrain + check.minValidation} labelled in all).`
            : `(a run needs ${check.minTrain} and ${check.minValidation}).`}
        </p>
      )}
      {blocked && (
        <p className="warnings" data-testid="train-blocked">
          Retrain is off: {blocked} (
          <button className="link" onClick={onHome}>
            project home
          </button>
          )
        </p>
      )}
      {invalid.length > 0 && (
        <p className="warnings" data-testid="train-invalid">
          Retrain is off until the marked setting{invalid.length === 1 ? ' is' : 's are'} fixed.
        </p>
      )}
      <ErrorBox error={checkError} testId="train-check-error" />
      <div className="row">
        <button
          className="btn primary"
          disabled={training.busy || setId == null || !check?.ok || invalid.length > 0}
          onClick={() => setId != null && void training.start(s, setId)}
          data-testid="retrain"
          title={
            blocked ?? (invalid.length ? 'Fix the settings marked in red first' : 'Start training with these settings (they are remembered for next time)')
          }
        >
          ▶ Retrain
        </button>
        <span className="muted small" data-testid="train-summary">
          {s.model === 'both' ? 'soft, then CRF' : s.model} · {s.epochs} epoch{s.epochs === 1 ? '' : 's'} · batch {s.batchSize} · lr {s.learningRate} ·{' '}
          {s.encoder}
          {s.featureSet !== 'default' ? ` · ${s.featureSet} features` : ''}
          {s.averaging ? '' : ' · no averaging'}
          {s.ensemble > 1 ? ` · ensemble ${s.ensemble}` : ''} · seed {s.seed}
          {runs > 1 ? ' · 2 runs' : ''}
        </span>
      </div>
      <ErrorBox error={training.error} onDismiss={training.clearError} testId="train-error" />
    </section>
  );
}

function LiveCard({ training }: { training: Training }) {
  const live = training.live;
  return (
    <section className="card live" data-testid="live-run" data-status={live?.status ?? 'none'} data-run-id={live?.runId ?? ''} data-epoch={live?.epoch ?? 0}>
      <div className="card-head">
        <h2>{live ? `Run ${live.runId}${live.model ? ` · ${live.model}` : ''}` : 'Live run'}</h2>
        {live && <StatusChip status={live.status} testId="live-status" />}
        <div className="spacer" />
        {live?.status === 'running' && (
          <button className="btn danger small" onClick={() => void training.cancel()} data-testid="train-cancel">
            ■ Cancel
          </button>
        )}
      </div>
      {!live && (
        <p className="muted" data-testid="live-idle">
          Nothing is training. Press Retrain: epochs stream in here while you keep labelling (training runs in a worker on the host).
        </p>
      )}
      {live && <LiveBody live={live} queued={training.queued} />}
    </section>
  );
}

function LiveBody({ live, queued }: { live: LiveRun; queued: number }) {
  const member = live.member;
  const mine = useMemo(() => live.epochs.filter((e) => e.member === member), [live.epochs, member]);
  const last = live.epochs[live.epochs.length - 1];
  const epochEnd = liveEpochDomain(mine.length ? mine[mine.length - 1].epoch : 0, live.epochsPlanned)[1];
  const plot = useMemo(
    () => ({
      title: `Loss per epoch${live.members > 1 ? ` (member ${member + 1})` : ''}`,
      x: mine.map((e) => e.epoch),
      series: [
        { name: 'train (unweighted)', color: PLOT_COLORS.train, values: mine.map((e) => e.trainUnweighted) },
        { name: 'validation (unweighted)', color: PLOT_COLORS.val, values: mine.map((e) => e.valUnweighted) },
      ],
      xLabel: 'epoch',
      integerX: true,
      xDomain: [1, epochEnd] as [number, number],
      width: 520,
      height: 240,
    }),
    [mine, live.members, epochEnd, member],
  );
  // Per task: train solid, validation dashed; log scale when the tasks' losses are far apart (they are).
  const taskPlot = useMemo(
    () => ({
      title: 'Loss per task (unweighted)',
      x: mine.map((e) => e.epoch),
      series: TASK_NAMES.flatMap((t) => [
        { id: `train-${t}`, name: `${t} train`, color: TASK_COLORS[t], values: mine.map((e) => e.trainTask[t]) },
        { id: `val-${t}`, name: `${t} val`, color: TASK_COLORS[t], dashed: true, values: mine.map((e) => e.valTask[t]) },
      ]),
      xLabel: 'epoch',
      yScale: 'auto' as const,
      integerX: true,
      xDomain: [1, epochEnd] as [number, number],
      width: 360,
      height: 240,
    }),
    [mine, epochEnd],
  );
  const weightPlot = useMemo(
    () => ({
      title: 'Task weights (σ⁻², normalised)',
      x: mine.map((e) => e.epoch),
      series: TASK_NAMES.map((t) => ({ id: t, name: t, color: TASK_COLORS[t], values: mine.map((e) => e.taskWeights[t]) })),
      xLabel: 'epoch',
      integerX: true,
      xDomain: [1, epochEnd] as [number, number],
      width: 360,
      height: 240,
    }),
    [mine, epochEnd],
  );
  return (
    <>
      <div className="live-stats">
        <div>
          <div className="stat-value" data-testid="live-epoch">
            {live.epoch}/{live.epochsPlanned || '?'}
          </div>
          <div className="stat-label">epoch{live.members > 1 ? ` · member ${member + 1}/${live.members}` : ''}</div>
        </div>
        <div>
          <div className="stat-value" data-testid="live-eta">
            {live.status === 'running' ? fmtDuration(live.etaSeconds) : '—'}
          </div>
          <div className="stat-label">ETA</div>
        </div>
        <div>
          <div className="stat-value small-value" data-testid="live-backend">
            {live.backend || '…'}
          </div>
          <div className="stat-label" title={live.device}>
            {live.device || 'backend'}
          </div>
        </div>
        {queued > 0 && <span className="chip">then {queued} more run (CRF)</span>}
      </div>
      {live.status === 'running' && (
        <div className="progress-track" aria-label="training progress">
          <div className="progress-fill" style={{ width: `${live.epochsPlanned ? (100 * live.epoch) / live.epochsPlanned : 0}%` }} />
        </div>
      )}
      {mine.length > 0 ? (
        <LinePlot options={plot} testId="live-loss" />
      ) : (
        <p className="muted" data-testid="live-waiting">
          Waiting for the first epoch…
        </p>
      )}
      {mine.length > 0 && (
        <div className="live-plots">
          <LinePlot options={taskPlot} testId="live-task-loss" />
          <LinePlot options={weightPlot} testId="live-task-weights" />
        </div>
      )}
      {last && (
        <table className="table compact" data-testid="live-weights">
          <thead>
            <tr>
              <th>last epoch</th>
              {TASK_NAMES.map((t) => (
                <th key={t} className="num">
                  {t}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>σ</td>
              {TASK_NAMES.map((t) => (
                <td key={t} className="num">
                  {fmtNum(last.sigmas[t])}
                </td>
              ))}
            </tr>
            <tr>
              <td>task weight</td>
              {TASK_NAMES.map((t) => (
                <td key={t} className="num">
                  {fmtNum(last.taskWeights[t])}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </>
  );
}

function RunsCard({
  training,
  openRun,
  openCompare,
  selectedRun,
}: {
  training: Training;
  openRun(id: number | null): void;
  openCompare(runIds: number[]): void;
  selectedRun: number | null;
}) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [picked, setPicked] = useState<number[]>([]);

  const refresh = useCallback(async () => {
    try {
      setRuns(await call('runs.list', { includeIncomplete: true }));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh, training.version]);

  const names = useNames();
  const completed = new Set((runs ?? []).filter((r) => r.status === 'completed').map((r) => r.id));
  const chosen = picked.filter((id) => completed.has(id));
  const toggle = (id: number) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  // The comparison is a view of its own (routable; Back closes it).
  const compare = () => openCompare(chosen);

  return (
    <section className="card runs" data-testid="runs-card">
      <div className="card-head">
        <h2>Runs</h2>
        <div className="spacer" />
        <span className="muted small">{chosen.length} selected</span>
        <button className="btn small" disabled={chosen.length < 2} onClick={compare} data-testid="runs-compare" title="Compare the selected completed runs">
          Compare
        </button>
      </div>
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="runs-error" />
      {runs && runs.length === 0 && <p className="muted">No runs yet.</p>}
      {runs && runs.length > 0 && (
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th />
              <th>Run</th>
              <th>Model</th>
              <th>Status</th>
              <th>Backend</th>
              <th>Data</th>
              <th className="num">Epochs</th>
              <th className="num">Duration</th>
              <th className="num">Best span F1</th>
              <th>Started</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...runs]
              .sort((a, b) => b.id - a.id)
              .map((r) => {
                const done = r.status === 'completed';
                const dur = r.finishedAt != null ? (r.finishedAt - r.startedAt) / 1000 : r.status === 'running' ? (Date.now() - r.startedAt) / 1000 : null;
                const cfg = r.config as {
                  encoder?: string;
                  ensemble?: number;
                  epochs?: number;
                  batchSize?: number;
                  learningRate?: number;
                  hidden?: number;
                  seed?: number;
                  features?: string[] | null;
                };
                return (
                  <tr
                    key={r.id}
                    className={(isIncomplete(r.status) ? 'run-incomplete' : '') + (selectedRun === r.id ? ' selected' : '')}
                    data-testid={`run-row-${r.id}`}
                    data-status={r.status}
                  >
                    <td>
                      <input
                        type="checkbox"
                        disabled={!done}
                        checked={done && picked.includes(r.id)}
                        onChange={() => toggle(r.id)}
                        aria-label={`select run ${r.id} for comparison`}
                        data-testid={`run-pick-${r.id}`}
                        title={done ? 'Select for comparison' : 'Only completed runs can be compared'}
                      />
                    </td>
                    <td>
                      #{r.id}{' '}
                      <NameEditor name={names.runs[r.id]} placeholder={`name for run ${r.id}`} onSave={(n) => renameRun(r.id, n)} testId={`run-${r.id}`} />
                    </td>
                    <td>
                      <strong>{r.model}</strong>
                      <span className="muted small">
                        {' '}
                        {cfg.encoder ?? ''}
                        {cfg.ensemble && cfg.ensemble > 1 ? ` ×${cfg.ensemble}` : ''}
                      </span>
                      <div className="muted small" data-testid={`run-settings-${r.id}`}>
                        {runSettings(cfg)}
                      </div>
                    </td>
                    <td>
                      <StatusChip status={r.status} testId={`run-status-${r.id}`} />
                      {r.error && (
                        <div className="muted small" title={r.error}>
                          {r.error.slice(0, 60)}
                        </div>
                      )}
                    </td>
                    <td title={r.device}>{r.backend || '—'}</td>
                    <td
                      className="small"
                      data-testid={`run-data-${r.id}`}
                      title={
                        r.data
                          ? `window set ${r.data.setId}: ${r.data.trainWindows} training and ${r.data.valWindows} validation windows, ${r.data.labels} labelled spans`
                          : undefined
                      }
                    >
                      {r.data ? `set ${r.data.setId} · ${r.data.trainWindows}/${r.data.valWindows} win · ${r.data.labels} spans` : '—'}
                    </td>
                    {/* The list is fetched when runs start and end; a training run's epochs come from its live events. */}
                    <td className="num" data-testid={`run-epochs-${r.id}`}>
                      {training.live?.runId === r.id && r.status === 'running' ? training.live.epochs.length : r.epochs}
                    </td>
                    <td className="num">{fmtDuration(dur)}</td>
                    <td className="num" data-testid={`run-f1-${r.id}`}>
                      {fmtNum(r.spanF1)}
                    </td>
                    <td className="small">{new Date(r.startedAt).toLocaleString()}</td>
                    <td>
                      <div className="row-actions">
                        {done && (
                          <button className="btn small" onClick={() => openRun(selectedRun === r.id ? null : r.id)} data-testid={`run-open-${r.id}`}>
                            {selectedRun === r.id ? 'Close' : 'Report'}
                          </button>
                        )}
                        {r.status !== 'running' && (
                          <DeleteRunButton
                            runId={r.id}
                            onDeleted={() => {
                              setPicked((p) => p.filter((x) => x !== r.id));
                              if (selectedRun === r.id) openRun(null);
                              void refresh();
                            }}
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A run's main settings in one line (the full config is in the comparison's config diff). */
function runSettings(c: { epochs?: number; batchSize?: number; learningRate?: number; hidden?: number; seed?: number; features?: string[] | null }): string {
  const parts = [
    c.epochs != null ? `${c.epochs} ep` : null,
    c.batchSize != null ? `batch ${c.batchSize}` : null,
    c.learningRate != null ? `lr ${c.learningRate}` : null,
    c.hidden != null ? `h ${c.hidden}` : null,
    Array.isArray(c.features) ? `${c.features.length} features` : null,
    c.seed != null ? `seed ${c.seed}` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

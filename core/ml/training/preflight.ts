/**
 * Can a run start on this window set? Checked before a training worker starts, so a set without
 * enough labelled windows is refused at once with a message that says what to do (which part of
 * the set to label, how many more), instead of failing inside the worker. The same check backs
 * `train.check`, which the Retrain form uses to show the counts and to disable Retrain.
 *
 * Counts follow buildDataset (dataset.ts): a window counts when it is labelled (has a span, or was
 * marked reviewed with no span), is not excluded, has the set's length, and belongs to the run's
 * label source (label-source.ts `windowInSource`: with one annotator's labels, a window only others
 * labelled is not labelled for this run). No TensorFlow here.
 */
import type { Label, WindowInfo, WindowSetInfo } from '../../domain/types.ts';
import type { ProjectStore } from '../../store/index.ts';
import { describeLabelSource, windowInSource, type LabelSource } from './label-source.ts';

/**
 * Fewest labelled windows a run accepts. Training fits the feature normaliser and picks the span
 * threshold on the training part, and the report's figures come from the validation part: with
 * fewer than these, the figures say nothing (one validation window is a coin toss).
 */
export const MIN_TRAIN_WINDOWS = 4;
export const MIN_VALIDATION_WINDOWS = 2;

export interface TrainingCheck {
  setId: number;
  /** How the UI names the set: "<series> <length>/<stride>". */
  name: string;
  /** Windows of each part that training can use (labelled or not). */
  trainWindows: number;
  validationWindows: number;
  labelledTrain: number;
  /** Labelled validation windows that can be scored (not holding unconfirmed model-written labels). */
  labelledValidation: number;
  /** Labelled validation windows holding labels a model wrote that nobody confirmed yet (not counted above). */
  unconfirmedValidation: number;
  minTrain: number;
  minValidation: number;
  /** Whose labels were counted ("all annotators", "annotator bob", "the annotators' consensus"). */
  labelSource: string;
  /**
   * The run's evaluation. 'walk-forward' does not use the train/validation roles (its folds cut every
   * labelled window in time order), so it needs minTrain + minValidation labelled windows in either
   * part; whether they make its k folds is checked by the run, which says which fold lacks what.
   */
  evaluation: 'holdout' | 'walk-forward';
  ok: boolean;
  /** Why a run can't start (null when ok): counts, what is missing and where to label it. */
  reason: string | null;
}

export function windowSetName(set: WindowSetInfo): string {
  return set.origin === 'cut' ? `${set.seriesId} ${set.length}/${set.stride ?? '?'}` : `${set.seriesId} ${set.length} (imported)`;
}

/** 1-based positions as compact ranges: [44..54] -> "44–54", [3,7,8,9] -> "3, 7–9" (at most `max` pieces). */
export function positionRanges(positions: number[], max = 6): string {
  const parts: string[] = [];
  for (let i = 0; i < positions.length;) {
    let j = i;
    while (j + 1 < positions.length && positions[j + 1] === positions[j] + 1) j++;
    parts.push(i === j ? String(positions[i]) : `${positions[i]}–${positions[j]}`);
    i = j + 1;
  }
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, …` : parts.join(', ');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Throws (plain Error) only when the set does not exist. `labelSource` is the run's (default 'all'):
 * the counts are those of the windows the run would train and be scored on.
 */
export function checkTrainingSet(
  store: ProjectStore,
  setId: number,
  labelSource?: LabelSource,
  evaluation: 'holdout' | 'walk-forward' = 'holdout',
): TrainingCheck {
  const set = store.getWindowSet(setId);
  if (!set) throw new Error(`no window set ${setId}`);
  const name = windowSetName(set);
  const all = store.listWindows({ setId });
  const byWindow = new Map<number, Label[]>();
  for (const l of store.listLabels({ setId })) byWindow.set(l.windowId, [...(byWindow.get(l.windowId) ?? []), l]);
  const isLabelled = (w: WindowInfo) => (byWindow.has(w.id) || w.reviewed) && windowInSource(byWindow.get(w.id) ?? [], labelSource);
  // Only one annotator's source changes what counts; the message then says whose labels are missing.
  const one = typeof labelSource === 'object' ? labelSource.annotator : null;
  const usable = (w: WindowInfo) => w.role !== 'excluded' && w.length === set.length;
  // As in dataset.ts (issue #12): a validation window holding spans a model wrote that nobody confirmed,
  // or an accepted "no span" not confirmed, is never scored, so it does not count for validation.
  const modelNegatives = new Set(store.listModelOnlyNegatives(setId));
  const unconfirmed = (w: WindowInfo) => modelNegatives.has(w.id) || (byWindow.get(w.id) ?? []).some((l) => l.origin === 'accepted');
  // Positions as the label view numbers windows ("Window k / n"): the set's order, 1-based.
  const part = (role: 'train' | 'val') => {
    const windows = all.map((w, i) => ({ w, pos: i + 1 })).filter(({ w }) => w.role === role && usable(w));
    const waiting = (w: WindowInfo) => role === 'val' && isLabelled(w) && unconfirmed(w);
    const labelled = windows.filter(({ w }) => isLabelled(w) && !waiting(w)).length;
    const unlabelledPositions = windows.filter(({ w }) => !isLabelled(w)).map(({ pos }) => pos);
    const unconfirmedPositions = windows.filter(({ w }) => waiting(w)).map(({ pos }) => pos);
    return { total: windows.length, labelled, unlabelledPositions, unconfirmedPositions };
  };
  const train = part('train');
  const val = part('val');
  const check: TrainingCheck = {
    setId,
    name,
    trainWindows: train.total,
    validationWindows: val.total,
    labelledTrain: train.labelled,
    labelledValidation: val.labelled,
    unconfirmedValidation: val.unconfirmedPositions.length,
    minTrain: MIN_TRAIN_WINDOWS,
    minValidation: MIN_VALIDATION_WINDOWS,
    labelSource: describeLabelSource(labelSource),
    evaluation,
    ok: train.labelled >= MIN_TRAIN_WINDOWS && val.labelled >= MIN_VALIDATION_WINDOWS,
    reason: null,
  };
  if (evaluation === 'walk-forward') return walkForwardCheck(check, train, val, one);
  if (check.ok) return check;

  const labelled = train.labelled + val.labelled;
  const todo: string[] = [];
  const impossible: string[] = [];
  const ask = (p: typeof train, min: number, what: string) => {
    if (p.labelled >= min) return;
    if (p.total < min) impossible.push(`its ${what} part has only ${plural(p.total, 'window')}`);
    else if (p.unlabelledPositions.length)
      todo.push(`${min - p.labelled} more in the ${what} part${one ? ` as ${one}` : ''} (windows ${positionRanges(p.unlabelledPositions)})`);
    if (p.unconfirmedPositions.length)
      todo.push(
        `confirm the model-written labels of ${what} windows ${positionRanges(p.unconfirmedPositions)} (they are not scored until confirmed: Confirm in the review or span panel)`,
      );
  };
  ask(train, MIN_TRAIN_WINDOWS, 'training');
  ask(val, MIN_VALIDATION_WINDOWS, 'validation');
  const labelledBy = one ? `${plural(labelled, 'window')} labelled by annotator ${one}` : plural(labelled, 'labelled window');
  const head =
    `window set '${name}' has ${labelledBy} (${train.labelled} in training, ${val.labelled} in validation` +
    `${val.unconfirmedPositions.length ? `, and ${val.unconfirmedPositions.length} more there holding unconfirmed model-written labels` : ''}); ` +
    `training needs at least ${MIN_TRAIN_WINDOWS} labelled windows in training and ${MIN_VALIDATION_WINDOWS} in validation`;
  const counts = one
    ? ` (with the labels of annotator ${one} only, a window counts when ${one} has a span in it, or it is marked reviewed with no span by anyone; windows only others labelled do not count)`
    : ' (a window counts as labelled when it has a span, or is marked reviewed with no span: key N in the label view)';
  const elsewise = one ? 'or choose another set or label source' : 'or choose another set';
  check.reason = impossible.length
    ? `${head}, but ${impossible.join(' and ')}: choose another set, or cut windows with more in that part${counts}`
    : `${head} — label ${todo.join(' and ')}, ${elsewise}${counts}`;
  return check;
}

/**
 * Walk-forward: the roles are not used, so the labelled windows of both parts count together, and
 * windows holding unconfirmed model-written labels are left out of the run altogether (dataset.ts).
 */
function walkForwardCheck(
  check: TrainingCheck,
  train: { labelled: number; unlabelledPositions: number[] },
  val: { labelled: number; unlabelledPositions: number[] },
  one: string | null,
): TrainingCheck {
  const need = MIN_TRAIN_WINDOWS + MIN_VALIDATION_WINDOWS;
  const labelled = train.labelled + val.labelled;
  if (labelled >= need) return { ...check, ok: true, reason: null };
  const unlabelled = [...train.unlabelledPositions, ...val.unlabelledPositions].sort((a, b) => a - b);
  const who = one ? ` by annotator ${one}` : '';
  const where = unlabelled.length
    ? ` — label ${need - labelled} more${one ? ` as ${one}` : ''} (windows ${positionRanges(unlabelled)})`
    : ' — choose another set';
  return {
    ...check,
    ok: false,
    reason: `window set '${check.name}' has ${plural(labelled, 'window')} labelled${who}; walk-forward cross-validation (which does not use the training/validation roles) needs at least ${need}${where}`,
  };
}

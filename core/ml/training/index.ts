/** Training API for the service/CLI layer. */
export { trainModel, trainEnsemble, averagePredictions, predictAll, evaluateLoss } from './train.ts';
export type { TrainOptions, TrainData, TrainResult, EnsembleResult } from './train.ts';
export { runTraining, predictWindows, loadRunModels, getRunReport, TRAINING_DEFAULTS } from './run.ts';
export type { RunTrainingOptions, RunResult, SavedModelSpec, PredictedSpan, WindowPredictionResult } from './run.ts';
export { startTrainingWorker } from './start-worker.ts';
export type { TrainingWorker, TrainingWorkerHandlers } from './start-worker.ts';
export type { WorkerTrainingOptions, TrainingFault } from './worker-types.ts';
export { checkTrainingSet, MIN_TRAIN_WINDOWS, MIN_VALIDATION_WINDOWS } from './preflight.ts';
export type { TrainingCheck } from './preflight.ts';
export { buildDataset } from './dataset.ts';
export type { Dataset, DatasetOptions } from './dataset.ts';
export type { EpochEvent } from '../eval/types.ts';
export { buildReport, compareRuns, renderComparisonMarkdown } from '../eval/index.ts';
export type { RunReport, Comparison } from '../eval/index.ts';

export * from './decode.ts';
export * from './metrics.ts';
export * from './curves.ts';
export * from './types.ts';
export * from './report.ts';
export * from './compare.ts';
export * from './report-export.ts';
// issue #11: honest evaluation
export * from './bootstrap.ts';
export * from './headline.ts';
export * from './calibration.ts';
export * from './baselines.ts';
export * from './stitch.ts';
export * from './span-type.ts';

export * from './decode.ts';
export * from './metrics.ts';
export * from './curves.ts';
export * from './types.ts';
export * from './report.ts';
export * from './compare.ts';
export * from './report-export.ts';

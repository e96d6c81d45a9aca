export * from './annotate.ts';
export * from './bars-csv.ts';
export * from './generate.ts';
export * from './ml-dataset.ts';
export * from './random.ts';

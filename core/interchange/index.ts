export * from './labels.ts';
export * from './time.ts';

/** The project store: one Candlemark project = one SQLite file. See project-store.ts. */
export * from './project-store.ts';
export * from './errors.ts';
export { APPLICATION_ID, SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';

/** Seeded shuffling for training: the project's one PRNG (core/shared/random.ts). */
export { mulberry32, shuffleInPlace } from '../../shared/random.ts';

export { selectBackend, AUTO_ORDER } from './select.ts';
export type { BackendPreference, BackendName, BackendAttempt, BackendSelection } from './select.ts';
export { tf } from './tf.ts';

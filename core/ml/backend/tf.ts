/**
 * The single TensorFlow.js instance used by all of core/ml. Every file imports tfjs from here
 * (never from '@tensorflow/tfjs' directly) so kernels, backends and the engine are shared.
 */
import * as tf from '@tensorflow/tfjs';

export * from '@tensorflow/tfjs';
export { tf };

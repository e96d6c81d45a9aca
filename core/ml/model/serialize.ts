/**
 * Compact binary form of exported weights (for a SQLite BLOB):
 *   bytes 0-3   magic "CMW1"
 *   bytes 4-7   uint32 LE: length N of the UTF-8 JSON header
 *   N bytes     JSON { spec, tensors: [{ name, shape }] }
 *   padding     zeros up to a multiple of 4
 *   float32 LE  all tensor values, concatenated in header order
 */
import type { ModelSpec, SavedWeights } from './types.ts';

const MAGIC = 'CMW1';

export function serializeWeights(saved: SavedWeights): Uint8Array {
  const header = JSON.stringify({ spec: saved.spec, tensors: saved.tensors.map((t) => ({ name: t.name, shape: t.shape })) });
  const hb = new TextEncoder().encode(header);
  const dataOffset = Math.ceil((8 + hb.length) / 4) * 4;
  const floats = saved.tensors.reduce((a, t) => a + t.data.length, 0);
  const out = new Uint8Array(dataOffset + floats * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(4, hb.length, true);
  out.set(hb, 8);
  let off = dataOffset;
  for (const t of saved.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${t.name}: shape [${t.shape.join(',')}] but ${t.data.length} values`);
    for (let i = 0; i < n; i++, off += 4) view.setFloat32(off, t.data[i], true);
  }
  return out;
}

export function deserializeWeights(bytes: Uint8Array): SavedWeights {
  if (bytes.length < 8 || String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) !== MAGIC) {
    throw new Error('not a Candlemark weights blob (bad magic)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = view.getUint32(4, true);
  if (8 + hl > bytes.length) throw new Error('truncated weights blob (header)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hl))) as {
    spec: ModelSpec;
    tensors: Array<{ name: string; shape: number[] }>;
  };
  let off = Math.ceil((8 + hl) / 4) * 4;
  const tensors = header.tensors.map(({ name, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (off + n * 4 > bytes.length) throw new Error(`truncated weights blob (tensor ${name})`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) data[i] = view.getFloat32(off, true);
    return { name, shape, data };
  });
  if (off !== bytes.length) throw new Error('weights blob has trailing bytes');
  return { spec: header.spec, tensors };
}

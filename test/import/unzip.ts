/** Reads a zip entry with node:zlib (the LEAN data ships zipped); enough for the test corpus, no dependency. */
import fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** The first entry of a zip file, inflated (method 8) or stored (method 0), found via the central directory. */
export function unzipFirst(file: string): { name: string; data: Buffer } {
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file}: not a zip (no end-of-central-directory record)`);
  const cd = zip.readUInt32LE(eocd + 16);
  const method = zip.readUInt16LE(cd + 10);
  const compSize = zip.readUInt32LE(cd + 20);
  const nameLen = zip.readUInt16LE(cd + 28);
  const name = zip.subarray(cd + 46, cd + 46 + nameLen).toString('utf8');
  const local = zip.readUInt32LE(cd + 42);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const raw = zip.subarray(start, start + compSize);
  return { name, data: method === 0 ? Buffer.from(raw) : inflateRawSync(raw) };
}

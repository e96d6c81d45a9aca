/**
 * Reading a labels file from disk: the only part of the labels interchange that touches the file
 * system. Regular files only, size-capped, refused before parsing when the bytes are not JSON/CSV.
 */
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { binaryContentProblem, FileReadError, notDelimitedProblem, notJsonProblem, readRegularFile } from '../shared/read-regular-file.ts';
import { InterchangeError, type LabelsDocument } from './labels-types.ts';
import { parseLabelsCsv } from './labels-csv.ts';
import { parseLabelsJson } from './labels-json.ts';
import { describeValue } from './span-checks.ts';

/**
 * Read a labels file by extension (.json or .csv, any case). Series csv paths are resolved against
 * the file's folder, so they are absolute in the result. Errors name the path as given.
 */
export async function readLabelsFile(path: string): Promise<LabelsDocument> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    throw new InterchangeError(path, [
      { file: path, window: null, field: '', message: `expected a file name ending in .json or .csv, got ${describeValue(ext || path)}` },
    ]);
  }
  let input: Buffer;
  try {
    input = await readRegularFile(path); // regular files only, size-capped: never /dev/zero or a FIFO
  } catch (e) {
    throw new InterchangeError(path, [
      { file: path, window: null, field: '', message: `cannot read file: ${e instanceof FileReadError ? e.reason : String(e)}` },
    ]);
  }
  // Refused before parsing, so no message quotes the bytes of a file that isn't a labels file.
  const notLabels = ext === '.json' ? notJsonProblem(input) : (binaryContentProblem(input) ?? notDelimitedProblem(input, { headerFirst: true }));
  if (notLabels) throw new InterchangeError(path, [{ file: path, window: null, field: '', message: notLabels }]);
  const text = input.toString('utf8');
  const doc = ext === '.json' ? parseLabelsJson(text, path) : parseLabelsCsv(text, path);
  const folder = dirname(resolve(path));
  return {
    ...doc,
    series: doc.series.map((s) => ({ id: s.id, csv: s.csv === null ? null : isAbsolute(s.csv) ? s.csv : resolve(folder, s.csv) })),
  };
}

/**
 * Reading a file named by a path (the CLI's imports, labels files, a demo's CSV) safely: only a
 * regular file, at most a size cap, without hanging. `fs.readFile` on /dev/zero grows without end,
 * and on a FIFO blocks until a writer comes; both were reachable from any host before the
 * capability check (capability.ts) and are still reachable from the command line.
 *
 * The file is opened with O_NONBLOCK (opening a FIFO for reading then returns at once instead of
 * waiting for a writer), checked with fstat on that same descriptor (no race with a rename between
 * a stat and the open), and only then read.
 *
 * Cap: `CANDLEMARK_MAX_FILE_BYTES` (bytes), default 2 GiB — above a 10,000,000-row OHLCV CSV
 * (~650 MB) and close to the largest Buffer Node reads in one piece.
 */
import fs from 'node:fs';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/** The cap in force: `CANDLEMARK_MAX_FILE_BYTES` when it is a positive integer, else the default. */
export function maxFileBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.CANDLEMARK_MAX_FILE_BYTES);
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_MAX_FILE_BYTES;
}

/** Why a path can't be read; the message names the path and never quotes the file's contents. */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'FileReadError';
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const ERRNO_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Opens `file` for reading and checks it is a regular file no larger than `maxBytes`.
 * Returns the open descriptor (the caller closes it) and the size.
 */
export function openRegularFile(file: string, maxBytes: number = maxFileBytes()): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new FileReadError(file, `${code || 'open failed'}: ${ERRNO_REASONS[code] ?? (e as Error).message}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(file, `${kindOf(st)}, expected a regular file`);
    if (st.size > maxBytes) throw new FileReadError(file, `${st.size} bytes, larger than the limit of ${maxBytes} bytes (CANDLEMARK_MAX_FILE_BYTES raises it)`);
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The whole file, when it is a regular file within the cap; FileReadError otherwise. */
export async function readRegularFile(file: string, maxBytes: number = maxFileBytes()): Promise<Buffer> {
  const { fd, size } = openRegularFile(file, maxBytes);
  try {
    // Read what fstat said plus one byte, to notice a file that grew meanwhile.
    const buf = Buffer.allocUnsafe(size + 1);
    let off = 0;
    for (;;) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(fd, buf, off, buf.length - off, null, (err, bytes) => (err ? reject(err) : resolve(bytes))),
      );
      if (n === 0) break;
      off += n;
      if (off === buf.length) break;
    }
    if (off > size) throw new FileReadError(file, 'the file grew while it was read; try again once it is complete');
    return buf.subarray(0, off);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** How much of the start of a file the text checks look at. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Why `buf` can't be a text file (CSV or JSON), or null. Binary content is refused before any
 * parser sees it, so no message ever quotes its bytes: a NUL byte, or invalid UTF-8, in the first
 * 64 KiB. (The cut at 64 KiB may split a UTF-8 sequence; only complete sequences are judged.)
 */
export function binaryContentProblem(buf: Buffer): string | null {
  const head = buf.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return 'binary content (NUL bytes), expected a text file';
  let end = head.length;
  // Drop an incomplete UTF-8 sequence at the cut (up to 3 bytes).
  if (buf.length > head.length) {
    let i = end - 1;
    while (i >= 0 && end - i <= 3 && (head[i] & 0xc0) === 0x80) i--;
    if (i >= 0 && head[i] >= 0xc0) end = i;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
  } catch {
    return 'binary content (not valid UTF-8), expected a text file';
  }
  return null;
}

/**
 * Why `buf` can't be a delimited file, or null: no line among the first non-empty ones (up to 50,
 * within 64 KiB) has a ',', ';', tab or '|'. Such a file (a password file, a log) would only fail
 * later with its first line quoted as an unknown column name; this says so without quoting it.
 */
export function notDelimitedProblem(buf: Buffer, opts: { headerFirst?: boolean } = {}): string | null {
  const head = buf.subarray(0, SNIFF_BYTES).toString('utf8');
  // A file whose header must be its first non-empty line (labels CSV) is judged on that line alone.
  const lookAt = opts.headerFirst ? 1 : 50;
  let seen = 0;
  for (const line of head.split('\n')) {
    if (line.trim() === '') continue;
    if (/[,;\t|]/.test(line)) return null;
    if (++seen >= lookAt) break;
  }
  if (opts.headerFirst && seen > 0) return "the first line has no ',' delimiter: not a CSV file";
  if (seen === 0) return null; // empty: the parser reports that itself
  return `no line of the first ${seen} has a ',', ';', tab or '|' delimiter: not a CSV file`;
}

/** Why `buf` can't be a JSON document, or null: binary, or its first character isn't '{' or '['. */
export function notJsonProblem(buf: Buffer): string | null {
  const binary = binaryContentProblem(buf);
  if (binary) return binary;
  const first = /\S/.exec(
    buf
      .subarray(0, SNIFF_BYTES)
      .toString('utf8')
      .replace(/^\ufeff/, ''),
  );
  if (first && first[0] !== '{' && first[0] !== '[') return "not a JSON file: expected '{' as its first character";
  return null;
}

/**
 * `openRegularFile` as a FileHandle, for readers that stream (the CSV importer): opened with
 * O_NONBLOCK and checked with fstat on the same handle, so a FIFO, a device or a directory is
 * refused at once and nothing above the cap is ever read. Throws FileReadError.
 */
export async function openRegularFileHandle(file: string, maxBytes: number = maxFileBytes()): Promise<{ fh: fs.promises.FileHandle; size: number }> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new FileReadError(file, `${code || 'open failed'}: ${ERRNO_REASONS[code] ?? (e as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new FileReadError(file, `${kindOf(st)}, expected a regular file`);
    if (st.size > maxBytes) throw new FileReadError(file, `${st.size} bytes, larger than the limit of ${maxBytes} bytes (CANDLEMARK_MAX_FILE_BYTES raises it)`);
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Reading files named by a path (the CLI's imports; pages can't name paths at all): only regular
 * files, with a size cap, never hanging on a FIFO or growing on /dev/zero, and error messages that
 * never quote a file that isn't a CSV/JSON (a password file's first line used to come back inside
 * the error). Real CLI processes on real files.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryContentProblem, FileReadError, notDelimitedProblem, readRegularFile } from '../../core/shared/read-regular-file.ts';
import { clipMessage } from '../../core/shared/message-text.ts';
import { REPO_ROOT, SHARED_DATA, tempDir } from '../helpers/paths.ts';

const dir = tempDir();
const project = path.join(dir, 'p.candlemark');
const SECRET = 'root:$6$Zx9saltsalt$ThisIsAHashThatMustNeverBeEchoed0123456789:19000:0:99999:7:::';

/** Runs the CLI with a hard timeout: a hang (a FIFO read) fails the test instead of blocking it. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args, '--project', project], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, out, ms: Date.now() - t0 });
    });
  });
}

describe('reading a path from the command line', () => {
  it('refuses /dev/zero at once (a character device), without reading it', async () => {
    const r = await cli(['import', '/dev/zero']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/\/dev\/zero: cannot read file: a character device, expected a regular file/);
    expect(r.ms).toBeLessThan(25_000);
  });

  it('refuses a FIFO without waiting for a writer (CSV and labels)', async () => {
    const fifo = path.join(dir, 'pipe.csv');
    const mk = spawnSync('mkfifo', [fifo]);
    if (mk.status !== 0) {
      console.log(`skipped: mkfifo failed here (${mk.stderr?.toString().trim()})`);
      return;
    }
    const r = await cli(['import', fifo]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/named pipe \(FIFO\), expected a regular file/);
    const l = await cli(['labels', 'import', fifo]);
    expect(l.code).not.toBe(0);
    expect(l.out).toMatch(/named pipe \(FIFO\), expected a regular file/);
    await expect(readRegularFile(fifo)).rejects.toBeInstanceOf(FileReadError);
  });

  it('refuses a directory and a missing file with the reason, not a stack trace', async () => {
    const r = await cli(['import', dir]);
    expect(r.out).toMatch(/a directory, expected a regular file/);
    const m = await cli(['import', path.join(dir, 'nope.csv')]);
    expect(m.out).toMatch(/cannot read file: ENOENT: no such file/);
    expect(m.out).not.toMatch(/\n\s+at /);
  });

  it('enforces the size cap (CANDLEMARK_MAX_FILE_BYTES), naming the limit', async () => {
    const csv = path.join(SHARED_DATA, 'spy_1d.csv');
    const size = fs.statSync(csv).size;
    const r = await cli(['import', csv], { CANDLEMARK_MAX_FILE_BYTES: String(size - 1) });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`${size} bytes, larger than the limit of ${size - 1} bytes`);
    const ok = await cli(['import', csv], { CANDLEMARK_MAX_FILE_BYTES: String(size) });
    expect(ok.out).not.toMatch(/larger than the limit/);
    expect(ok.code).toBe(0);
  });

  it('never echoes the contents of a file that is not a CSV or JSON (password file, binary)', async () => {
    const shadow = path.join(dir, 'shadow');
    fs.writeFileSync(shadow, `${SECRET}\ndaemon:*:19000:0:99999:7:::\n`);
    const shadowJson = path.join(dir, 'shadow.json');
    const shadowCsv = path.join(dir, 'shadow.csv');
    fs.copyFileSync(shadow, shadowJson);
    fs.copyFileSync(shadow, shadowCsv);
    const binary = path.join(dir, 'blob.csv');
    fs.writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0\0\0'), Buffer.from(SECRET)]));
    const badUtf8 = path.join(dir, 'latin.csv');
    fs.writeFileSync(badUtf8, Buffer.concat([Buffer.from(SECRET), Buffer.from([0xff, 0xfe, 0x41])]));
    // A passwd-like file: no delimiter on line 1, but GECOS commas further down (so it looks delimited).
    const passwd = path.join(dir, 'passwd');
    fs.writeFileSync(passwd, `${SECRET}\nuser:x:1000:1000:User Name,,,:/home/user:/bin/bash\n`);
    const runs = [
      await cli(['import', shadow]),
      await cli(['labels', 'import', shadowJson]),
      await cli(['labels', 'import', shadowCsv]),
      await cli(['import', binary]),
      await cli(['import', badUtf8]),
      await cli(['demo', '--from', shadow]),
      await cli(['import', passwd]),
    ];
    for (const r of runs) {
      expect(r.code).not.toBe(0);
      expect(r.out).not.toContain('root');
      expect(r.out).not.toContain('Zx9salt');
      expect(r.out).not.toContain('ELF');
    }
    expect(runs[0].out).toMatch(/no line of the first 2 has a ',', ';', tab or '\|' delimiter: not a CSV file/);
    expect(runs[6].out).toMatch(/is this an OHLCV CSV\?/);
    expect(runs[1].out).toMatch(/not a JSON file/);
    expect(runs[2].out).toMatch(/not a CSV file/);
    expect(runs[3].out).toMatch(/binary content \(NUL bytes\)/);
    expect(runs[4].out).toMatch(/not valid UTF-8/);
  });

  it('still quotes a bad cell of a real CSV, capped and without control characters', async () => {
    const csv = path.join(dir, 'bad-cell.csv');
    const long = 'x'.repeat(5000);
    fs.writeFileSync(csv, `time,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,${long}\x1b[31m,2,0.5,1.5\n`);
    const r = await cli(['import', csv]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/bad-cell\.csv:3: open: expected a number for open, found "xxx/);
    expect(r.out).toMatch(/more characters\)/);
    expect(r.out).not.toContain('\x1b');
    expect(r.out.length).toBeLessThan(2000);
  });
});

describe('the checks themselves', () => {
  it('tell binary and undelimited text apart from CSV, and ignore a UTF-8 sequence cut at 64 KiB', () => {
    expect(binaryContentProblem(Buffer.from('time,open\n2020,1\n'))).toBeNull();
    expect(binaryContentProblem(Buffer.from([0x61, 0, 0x62]))).toMatch(/NUL/);
    const cut = Buffer.concat([Buffer.alloc(64 * 1024 - 1, 0x61), Buffer.from('é'), Buffer.from('rest')]);
    expect(binaryContentProblem(cut)).toBeNull();
    expect(notDelimitedProblem(Buffer.from('Exported by X\ntime,open,high,low,close\n'))).toBeNull(); // a banner line is fine
    expect(notDelimitedProblem(Buffer.from('Exported by X\ntime,open\n'), { headerFirst: true })).toMatch(/first line/);
    expect(clipMessage('a\u0000b\u001b[0m', 10)).toBe('a\ufffdb\ufffd[0m');
  });
});

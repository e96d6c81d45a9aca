/**
 * Child process for open-errors.test.ts: opens a project through the service and prints one JSON
 * line, {ok} or {code, message}. The test runs it as an unprivileged user when it runs as root
 * (root ignores file permissions, so a chmod'ed file would open for writing in-process).
 *   node --import tsx test/store/open-child.ts <file> <create|open> [write]
 * With `write`, it also makes one edit after opening (windows.create on an empty project fails
 * cleanly; labelTypes.set is a plain write).
 */
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';

const [file, mode, write] = process.argv.slice(2);
try {
  const service = CandlemarkService.open(file, { create: mode === 'create' });
  try {
    if (write === 'write') await service.call('labelTypes.set', { types: [{ name: 'up', color: '#000000' }] });
  } finally {
    service.close();
  }
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  const err = e as CandlemarkError;
  console.log(JSON.stringify({ ok: false, service: e instanceof CandlemarkError, code: err.code, message: err.message }));
}

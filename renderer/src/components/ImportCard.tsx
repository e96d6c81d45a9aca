/**
 * CSV import: drop a file anywhere on the card or pick one. The file is read here (a browser has
 * contents, not paths) and shown in the import dialog (ImportDialog.tsx: what was detected, the
 * column roles, a preview) before series.importText writes anything; the service checks
 * everything before it writes, so a bad file lists all its problems and changes nothing.
 */
import { useState, type DragEvent } from 'react';
import { toApiError, type ApiError } from '../api/errors.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { readFileText } from './download.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ImportDialog } from './ImportDialog.tsx';
import { SeriesTools } from './SeriesTools.tsx';
import type { useProgress } from '../state/progress.ts';

interface Props {
  progress: ReturnType<typeof useProgress>;
  onImported(): void;
}

export function ImportCard({ progress, onImported }: Props) {
  const [over, setOver] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<{ fileName: string; text: string; key: number } | null>(null);

  const importFile = async (file: File) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    setWarnings([]);
    progress.begin('import', `reading ${file.name}`);
    try {
      const text = await readFileText(file, (f) => progress.update({ task: 'import', fraction: f, message: `reading ${file.name}` }));
      // Nothing is written yet: the dialog previews the file and imports on the user's word.
      setPending({ fileName: file.name, text, key: Date.now() });
    } catch (e) {
      setError(toApiError(e));
    } finally {
      progress.end('import');
      setBusy(false);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void importFile(file);
  };

  const task = progress.tasks.find((t) => t.task === 'import');
  return (
    <section
      className={'card drop-zone' + (over ? ' over' : '')}
      data-testid="import-card"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <h2>Import OHLCV CSV</h2>
      <p className="muted">
        Drop a CSV here, or choose one. Columns time, open, high, low, close (volume optional); nothing is written if any row has a problem.
      </p>
      <div className="row">
        <label className={'btn primary' + (busy ? ' disabled' : '')}>
          Choose CSV…
          <input
            type="file"
            accept=".csv,.txt,text/csv"
            data-testid="csv-input"
            hidden
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> replace a series with the same name
        </label>
      </div>
      {task && !pending && <ProgressBar task={task} />}
      {notice && (
        <p className="ok" data-testid="import-ok">
          {notice}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="import-error" />
      <SeriesTools />
      {pending && (
        <ImportDialog
          key={pending.key}
          fileName={pending.fileName}
          text={pending.text}
          replace={replace}
          progress={progress}
          onClose={() => setPending(null)}
          onImported={(series, w) => {
            setPending(null);
            setNotice(`Imported ${series.id}: ${series.barCount.toLocaleString()} bars`);
            setWarnings(w);
            onImported();
          }}
        />
      )}
    </section>
  );
}

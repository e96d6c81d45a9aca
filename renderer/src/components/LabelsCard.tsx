/** Labelled-window files: import (JSON/CSV contents via labels.importText) and export as a download. */
import { useState } from 'react';
import { call } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { downloadText, readFileText } from './download.ts';

export function LabelsCard({ onImported }: { onImported(): void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await fn());
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const importFile = (file: File) =>
    run(async () => {
      const text = await readFileText(file, () => undefined);
      const r = await call('labels.importText', { fileName: file.name, text });
      onImported();
      return `Imported ${r.spans} span(s) in ${r.windows} window(s); ${r.openConflicts} open conflict(s).`;
    });

  const exportAs = (format: 'json' | 'csv') =>
    run(async () => {
      const r = await call('labels.exportText', { format });
      downloadText(r.fileName, r.text, format === 'json' ? 'application/json' : 'text/csv');
      return `Exported ${r.spans} span(s) in ${r.windows} window(s) to ${r.fileName}.`;
    });

  return (
    <section className="card" data-testid="labels-card">
      <h2>Labels</h2>
      <p className="muted">
        Labelled-window files (JSON or CSV, see docs/formats.md). An import replaces, in the windows it names, the spans of the annotators it names (spans
        naming nobody are yours; other annotators’ spans stay), in one undo step.
      </p>
      <div className="row">
        <label className={'btn' + (busy ? ' disabled' : '')}>
          Import labels…
          <input
            type="file"
            accept=".json,.csv"
            hidden
            disabled={busy}
            data-testid="labels-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </label>
        <button className="btn" disabled={busy} onClick={() => void exportAs('json')} data-testid="export-json">
          Export JSON
        </button>
        <button className="btn" disabled={busy} onClick={() => void exportAs('csv')} data-testid="export-csv">
          Export CSV
        </button>
      </div>
      {notice && (
        <p className="ok" data-testid="labels-ok">
          {notice}
        </p>
      )}
      <ErrorBox error={error} onDismiss={() => setError(null)} testId="labels-error" />
    </section>
  );
}

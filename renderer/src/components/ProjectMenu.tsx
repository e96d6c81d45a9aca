/**
 * The top bar's project menu (issue #14): the current project's name; open, the recent projects,
 * the projects in the user's projects folder, and "New project…" by name. The browser host switches
 * its project under the same address and token (server/project-slot.ts); every open page then
 * reloads at Home and re-reads everything (a full reload: no view keeps a cache of the old project).
 * A page can only name projects in the projects folder or the recent list (server/projects.ts).
 * In the desktop app the same commands reach the main process over IPC (electron/project-ipc.ts),
 * which runs the File menu's own actions: New and Open show the native dialogs, Recent opens a
 * path of the app's recent list; the main process reloads the window.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { hostCall, onHostEvent, transportKind } from '../api/client.ts';
import { toApiError, type ApiError } from '../api/errors.ts';
import { ErrorBox } from './ErrorBox.tsx';

interface ProjectEntry {
  name: string;
  path: string;
  exists: boolean;
}

interface ProjectList {
  current: ProjectEntry | null;
  recent: ProjectEntry[];
  /** The browser host's projects folder; null in the desktop app (its dialogs choose files). */
  folder: string | null;
  inFolder: ProjectEntry[];
}

/** The host's event after a switch (not a service event). */
const PROJECT_CHANGED = 'host.projectChanged';

/** Reloads the page at Home: the new project's data, no state of the old one. */
function reloadAtHome(): void {
  history.replaceState(null, '', window.location.pathname + window.location.search + '#/');
  window.location.reload();
}

function baseName(p: string): string {
  return p
    .split(/[\\/]/)
    .pop()!
    .replace(/\.candlemark$/, '');
}

export function ProjectMenu({ projectPath }: { projectPath: string }) {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState<ProjectList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);

  // Another tab (or this one) switched the host's project: this page shows the old one.
  useEffect(() => onHostEvent((name) => void (name === PROJECT_CHANGED && reloadAtHome())), []);
  // The browser host restarted the project's thread after it died (hosting/project-service.ts): re-read everything, here.
  useEffect(() => onHostEvent((name) => void (String(name) === 'host.projectRestarted' && window.location.reload())), []);

  useEffect(() => {
    if (!open) return;
    setError(null);
    hostCall<ProjectList>('host.projects', {}).then(setList, (e: unknown) => setError(toApiError(e)));
  }, [open]);

  const name = baseName(projectPath);
  const desktop = transportKind === 'electron';
  const run = async (command: 'host.openProject' | 'host.createProject', args: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await hostCall<ProjectList>(command, args);
      // The desktop app's main process shows its dialog and reloads the window itself when a project is chosen.
      if (desktop) {
        setBusy(false);
        setOpen(false);
      } else reloadAtHome();
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim()) void run('host.createProject', { name: draft.trim() });
  };
  const others = (entries: ProjectEntry[]) => entries.filter((p) => p.path !== list?.current?.path);

  return (
    <div className="project-menu">
      <button className="btn ghost project-button" data-testid="project-menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} title={projectPath}>
        ▤ {name} ▾
      </button>
      {open && (
        <div
          className="project-popover"
          role="dialog"
          aria-label="Projects"
          data-testid="project-popover"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <div className="small muted" title={projectPath}>
            Open now: <strong>{name}</strong>
          </div>
          {desktop ? (
            <div className="row">
              <button className="btn" disabled={busy} onClick={() => void run('host.createProject', {})} data-testid="project-new-dialog">
                New project…
              </button>
              <button className="btn" disabled={busy} onClick={() => void run('host.openProject', {})} data-testid="project-open-dialog">
                Open…
              </button>
            </div>
          ) : (
            <>
              <form onSubmit={create} className="project-new">
                <label className="small">
                  New project…{' '}
                  <input
                    value={draft}
                    onChange={(e) => setDraft(e.target.value)}
                    placeholder="name"
                    maxLength={64}
                    data-testid="project-new-name"
                    aria-label="New project name"
                  />
                </label>
                <button className="btn primary" type="submit" disabled={busy || !draft.trim()} data-testid="project-create">
                  Create
                </button>
              </form>
              <div className="small muted">It is made in {list?.folder ?? 'the projects folder'} and starts empty (its Home offers the demo data).</div>
            </>
          )}
          {list && (
            <>
              <div className="project-group-title small">Recent</div>
              <ProjectButtons
                entries={others(list.recent)}
                disabled={busy}
                onOpen={(p) => void run('host.openProject', { path: p.path })}
                testId="project-recent"
                empty="no other recent project"
              />
              {!desktop && (
                <>
                  <div className="project-group-title small">Open… (projects folder)</div>
                  <ProjectButtons
                    entries={others(list.inFolder)}
                    disabled={busy}
                    onOpen={(p) => void run('host.openProject', { name: p.name })}
                    testId="project-folder"
                    empty="no other project in the folder"
                  />
                  <div className="small muted">
                    Another file: start the host with <code>--project FILE</code>; it is then in Recent.
                  </div>
                </>
              )}
            </>
          )}
          <ErrorBox error={error} onDismiss={() => setError(null)} testId="project-error" />
        </div>
      )}
    </div>
  );
}

function ProjectButtons({
  entries,
  disabled,
  onOpen,
  testId,
  empty,
}: {
  entries: ProjectEntry[];
  disabled: boolean;
  onOpen(p: ProjectEntry): void;
  testId: string;
  empty: string;
}) {
  if (entries.length === 0) return <div className="small muted">{empty}</div>;
  return (
    <ul className="project-list" data-testid={testId}>
      {entries.map((p) => (
        <li key={p.path}>
          <button
            className="btn ghost"
            disabled={disabled || !p.exists}
            onClick={() => onOpen(p)}
            title={p.exists ? p.path : `${p.path} (missing)`}
            data-testid={`${testId}-item`}
          >
            {p.name}
            {!p.exists && <span className="muted small"> (missing)</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The shell: top bar, then the project home, the labelling workbench or the training view. */
import { useCallback, useEffect, useState } from 'react';
import { transportKind } from '../api/client.ts';
import { useProgress } from '../state/progress.ts';
import { useReconnect } from '../state/events.ts';
import { useProjectInfo } from '../state/project.ts';
import { pushRoute, useRoute } from '../state/route.ts';
import { useTheme } from '../state/theme.ts';
import { rememberLabelledSet, useTraining } from '../state/training.ts';
import { useKeyboard } from '../keyboard/useKeyboard.ts';
import { AnnotatorBox } from './AnnotatorBox.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { ProjectMenu } from './ProjectMenu.tsx';
import { Home } from './Home.tsx';
import { Toasts } from './Toasts.tsx';
import { TrainingView, fmtDuration } from './Training.tsx';
import { Workbench } from './Workbench.tsx';

export function App() {
  const [theme, toggleTheme] = useTheme();
  const [route, go] = useRoute();
  const { info, error, refresh } = useProjectInfo();
  const progress = useProgress();
  const training = useTraining();
  // The set being labelled is the Retrain form's default set (issue #9).
  const labelledSet = route.view === 'label' ? route.setId : null;
  useEffect(() => {
    if (labelledSet != null) rememberLabelledSet(labelledSet);
  }, [labelledSet]);
  const live = training.live;
  const [help, setHelp] = useState(false);
  const toggleHelp = useCallback(() => setHelp((h) => !h), []);
  const goHome = useCallback(() => {
    go({ view: 'home' });
    void refresh();
  }, [go, refresh]);
  useKeyboard({ help: toggleHelp, theme: toggleTheme, home: goHome });
  // After the host connection drops and comes back, the views re-read everything (a remount): the
  // events sent meanwhile are lost, and the host may have restarted on an older state.
  const [generation, setGeneration] = useState(0);
  useReconnect(() => {
    setGeneration((g) => g + 1);
    void refresh();
  });

  return (
    <div className="app" data-testid="app" data-transport={transportKind} data-generation={generation}>
      <header className="topbar">
        <button className="brand" onClick={goHome} data-testid="nav-home" title="Project home (H)">
          <span className="logo" aria-hidden>
            ▮▯
          </span>
          Candlemark
        </button>
        {info && <ProjectMenu projectPath={info.path} />}
        {info && (
          <span className="muted small topbar-counts" data-testid="topbar-counts">
            {info.counts.labelledWindows}/{info.counts.windows} labelled · {info.counts.findings.open} open conflict{info.counts.findings.open === 1 ? '' : 's'}
          </span>
        )}
        <div className="spacer" />
        <AnnotatorBox />
        {live?.status === 'running' && route.view !== 'training' && (
          <button
            className="chip run topbar-training"
            onClick={() => go({ view: 'training', runId: null })}
            data-testid="topbar-training"
            title="A run is training: open the training view"
          >
            training run {live.runId} · epoch {live.epoch}/{live.epochsPlanned || '?'} · ETA {fmtDuration(live.etaSeconds)}
          </button>
        )}
        <button
          className={'btn' + (route.view === 'training' ? ' primary' : ' ghost')}
          onClick={() => go({ view: 'training', runId: null })}
          data-testid="nav-training"
          title="Train span detectors, see runs and reports"
        >
          ▶ Train
        </button>
        <button className="btn ghost" onClick={toggleHelp} data-testid="help-button" title="Keyboard shortcuts (?)">
          ? Keys
        </button>
        <button className="btn ghost" onClick={toggleTheme} data-testid="theme-toggle" title="Toggle theme (T)">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <ConnectionBanner />
      {!info && error && (
        <main className="home">
          <ErrorBox error={error} testId="fatal-error" />
        </main>
      )}
      {!info && !error && <main className="home muted">Loading project…</main>}
      {info && route.view === 'home' && (
        <Home
          key={generation}
          info={info}
          progress={progress}
          refresh={refresh}
          openSet={(setId) => go({ view: 'label', setId, windowId: null })}
          openTraining={() => go({ view: 'training', runId: null })}
        />
      )}
      {info && route.view === 'label' && (
        <Workbench
          key={`${route.setId}:${generation}`}
          info={info}
          setId={route.setId}
          windowId={route.windowId}
          theme={theme}
          onNavigate={(windowId) => go({ view: 'label', setId: route.setId, windowId })}
          onHome={goHome}
          onChanged={refresh}
        />
      )}
      {info && route.view === 'training' && (
        <TrainingView
          key={generation}
          info={info}
          training={training}
          runId={route.runId}
          compare={route.compare ?? null}
          openRun={(runId) => pushRoute({ view: 'training', runId })}
          openCompare={(runIds) => pushRoute({ view: 'training', runId: null, compare: runIds })}
          onHome={goHome}
        />
      )}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      <Toasts />
    </div>
  );
}

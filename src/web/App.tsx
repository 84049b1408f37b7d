import { useEffect, useState, useSyncExternalStore } from 'react';
import { CodeWorkspace } from './components/CodeWorkspace.tsx';
import { Collections } from './components/Collections.tsx';
import { EnvironmentPicker, Environments } from './components/Environments.tsx';
import { History } from './components/History.tsx';
import { Lessons } from './components/Lessons.tsx';
import { RequestBuilder } from './components/RequestBuilder.tsx';
import { ResponsePanel } from './components/ResponsePanel.tsx';
import { Scratchpad } from './components/Scratchpad.tsx';
import { Tabs } from './components/Tabs.tsx';
import { sendOpenRequest } from './http/run.ts';
import { saveOpenRequestToTarget } from './state/collections.ts';
import { saveStatus } from './state/persist.ts';
import { lab, useLab } from './state/store.ts';

export function App() {
  const theme = useLab((s) => s.theme);
  const [sidebar, setSidebar] = useState('collections');
  const [view, setView] = useState<'client' | 'scratchpad' | 'code'>('client');
  const saved = useSyncExternalStore(saveStatus.subscribe, saveStatus.get);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      if (e.key === 'Enter' && view === 'client') {
        e.preventDefault();
        void sendOpenRequest();
      } else if (e.key === 's' && view === 'client') {
        e.preventDefault();
        saveOpenRequestToTarget();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [view]);

  return (
    <div className="app">
      {/* Read out with every editable code editor: Tab indents there, so leaving it takes Escape first. */}
      <p id="editor-keys-help" className="visually-hidden">
        Tab indents. To leave the editor with the keyboard, press Escape, then Tab.
      </p>
      <header className="topbar">
        <h1>Backend Lab</h1>
        <nav aria-label="Lab views" className="views">
          <button type="button" aria-pressed={view === 'client'} onClick={() => setView('client')}>
            API client
          </button>
          <button type="button" aria-pressed={view === 'scratchpad'} onClick={() => setView('scratchpad')}>
            Client script
          </button>
          <button type="button" aria-pressed={view === 'code'} onClick={() => setView('code')}>
            Your backend
          </button>
        </nav>
        <EnvironmentPicker />
        <span className="save-status muted" role="status">
          {saved === 'saved' ? 'All changes saved' : saved === 'saving' ? 'Saving …' : 'Could not save in this browser'}
        </span>
        <button type="button" onClick={() => lab.set((s) => ({ ...s, theme: s.theme === 'dark' ? 'light' : 'dark' }))} aria-label={theme === 'dark' ? 'Use light theme' : 'Use dark theme'}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <a href="/docs" target="_blank" rel="noreferrer">
          API docs
        </a>
      </header>
      <aside className="sidebar" aria-label="Sidebar">
        <Tabs
          label="Sidebar"
          selected={sidebar}
          onSelect={setSidebar}
          tabs={[
            { id: 'collections', label: 'Collections', render: () => <Collections /> },
            { id: 'history', label: 'History', render: () => <History /> },
            { id: 'environments', label: 'Environments', render: () => <Environments /> },
            { id: 'lessons', label: 'Lessons', render: () => <Lessons onOpenScratchpad={() => setView('scratchpad')} onOpenClient={() => setView('client')} /> },
          ]}
        />
      </aside>
      <main className="workspace">
        {view === 'client' ? (
          <>
            <RequestBuilder />
            <ResponsePanel />
          </>
        ) : view === 'code' ? (
          <CodeWorkspace onOpenClient={() => setView('client')} />
        ) : (
          <Scratchpad />
        )}
      </main>
    </div>
  );
}

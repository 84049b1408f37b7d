import { runClientScript } from '../http/run.ts';
import { sessionStore, useSession } from '../state/session.ts';
import { lab, useLab } from '../state/store.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';

/** Front-end JavaScript as a browser runs it: fetch the API, log what comes back. */
export function Scratchpad() {
  const code = useLab((s) => s.scratchpad);
  const running = useSession((s) => s.scratchpadRunning);
  const run = async () => {
    sessionStore.set({ scratchpadRunning: true });
    const result = await runClientScript(lab.get().scratchpad);
    if (result.error) sessionStore.set((s) => ({ console: [...s.console, { level: 'error', text: result.error!, source: 'client script' }] }));
    sessionStore.set({ scratchpadRunning: false });
  };
  return (
    <section aria-label="Client script" className="scratchpad panel">
      <h2>Client script</h2>
      <p className="muted">Front-end JavaScript, run off the page like a browser tab would: fetch() the API and console.log what comes back. Ctrl+Enter runs it.</p>
      <div
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.stopPropagation();
            void run();
          }
        }}
      >
        <CodeEditor label="Client script code" language="javascript" value={code} onChange={(scratchpad) => lab.set((s) => ({ ...s, scratchpad }))} minHeight="10rem" />
      </div>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void run()} disabled={running}>
          {running ? 'Running …' : 'Run script'}
        </button>
      </div>
      <ConsolePanel />
    </section>
  );
}

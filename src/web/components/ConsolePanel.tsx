import { sessionStore, useSession } from '../state/session.ts';

/** console.log output from scripts and the scratchpad. */
export function ConsolePanel() {
  const lines = useSession((s) => s.console);
  return (
    <section aria-label="Console" className="console">
      <div className="toolbar">
        <span className="muted">{lines.length} lines</span>
        <button type="button" onClick={() => sessionStore.set({ console: [] })}>
          Clear console
        </button>
      </div>
      <ol className="console-lines" aria-live="polite">
        {lines.map((line, i) => (
          <li key={i} className={`console-${line.level}`}>
            <span className="muted">{line.source}</span> <pre>{line.text}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}

import { useState } from 'react';
import type { ConsoleResult, DbSource, Explained } from '../http/explorer.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { QueryPlan } from './QueryPlan.tsx';
import { ResultGrid } from './ResultGrid.tsx';

/** One statement at a time on a database: Run SQL shows the result, Explain shows the plan. */
export function SqlConsole({ source, label = 'SQL console', editorLabel = 'SQL statement', initial = 'SELECT 1 + 1 AS two' }: { source: DbSource; label?: string; editorLabel?: string; initial?: string }) {
  const [sql, setSql] = useState(initial);
  const [result, setResult] = useState<ConsoleResult & { truncated?: boolean }>();
  const [plan, setPlan] = useState<Explained>();
  const [error, setError] = useState('');
  const attempt = async (work: () => Promise<void>) => {
    setError('');
    setResult(undefined);
    setPlan(undefined);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const run = () => attempt(async () => setResult(await source.sql(sql)));
  const explain = () => attempt(async () => setPlan(await source.explain(sql)));
  return (
    <section aria-label={label} className="sql-console">
      <div
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.stopPropagation();
            void (e.shiftKey ? explain() : run());
          }
        }}
      >
        <CodeEditor label={editorLabel} language="text" value={sql} onChange={setSql} />
      </div>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void run()}>
          Run SQL
        </button>
        <button type="button" onClick={() => void explain()}>
          Explain
        </button>
        {source.reset && (
          <button
            type="button"
            onClick={() =>
              confirm('Delete every table and document in this workspace database?') &&
              void source.reset!().then(
                () => setResult(undefined),
                (e: Error) => setError(e.message),
              )
            }
          >
            Reset database
          </button>
        )}
        <span className="muted">Ctrl+Enter runs, Ctrl+Shift+Enter explains{source.readOnly ? ' · read-only: SELECT, WITH and EXPLAIN' : ''}</span>
      </div>
      {error && <p role="alert">{error}</p>}
      {result && (
        <>
          <p className="muted">
            {result.rows.length} row{result.rows.length === 1 ? '' : 's'}
            {result.truncated ? ' shown (more matched)' : ''}
            {result.rowsAffected ? `, ${result.rowsAffected} affected` : ''}
          </p>
          {result.columns.length > 0 && <ResultGrid label="Query result" columns={result.columns} rows={result.rows} />}
        </>
      )}
      {plan && <QueryPlan explained={plan} />}
    </section>
  );
}

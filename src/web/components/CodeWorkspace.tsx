import { useCallback, useEffect, useMemo, useState } from 'react';
import { openRequest } from '../state/collections.ts';
import { lab, newRequest, useLab } from '../state/store.ts';
import { workspaceDb } from '../http/explorer.ts';
import { type CodeError, deployCode, ensureWorkspace, loadTemplates } from '../http/workspace.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { DatabaseExplorer } from './DatabaseExplorer.tsx';
import { SqlConsole } from './SqlConsole.tsx';
import { Tabs } from './Tabs.tsx';

interface LogLine {
  at: string;
  level: string;
  message: string;
  line?: number;
}

interface DeployOutcome {
  status: string;
  errors: CodeError[];
  routes: { method: string; path: string }[];
  /** The code as it was deployed (or refused), to say when the editor has moved on from it. */
  source: string;
}

/** The last deploy of this page, kept while the learner visits the client and comes back. */
let lastDeploy: DeployOutcome = { status: '', errors: [], routes: [], source: '' };

/** The learner's own backend: Express-style code, deployed to /sandbox/<id>/ on this server. */
export function CodeWorkspace({ onOpenClient }: { onOpenClient: () => void }) {
  const workspace = useLab((s) => s.workspace);
  const code = useLab((s) => s.code ?? '');
  const [outcome, setOutcome] = useState(lastDeploy);
  const { status, errors, routes } = outcome;
  const remember = (next: DeployOutcome) => {
    lastDeploy = next;
    setOutcome(next);
  };
  const [templates, setTemplates] = useState<Awaited<ReturnType<typeof loadTemplates>>>([]);
  const [failure, setFailure] = useState('');
  const database = useMemo(() => workspace && workspaceDb(workspace), [workspace?.id, workspace?.key]);

  useEffect(() => {
    ensureWorkspace().catch((error: Error) => setFailure(`Could not open your workspace: ${error.message}`));
    void loadTemplates().then(setTemplates);
  }, []);

  const deploy = useCallback(async () => {
    const ws = lab.get().workspace;
    if (!ws) return;
    const source = lab.get().code ?? '';
    remember({ ...lastDeploy, status: 'Deploying …' });
    const result = await deployCode(ws, source);
    if (result.ok) {
      remember({ status: `Deployed: ${result.routes.length} route${result.routes.length === 1 ? '' : 's'} live at ${result.url}`, errors: [], routes: result.routes, source });
    } else {
      // A refused deploy leaves the previous code running, with its routes.
      remember({ status: result.detail, errors: result.errors, routes: lastDeploy.routes, source });
    }
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') {
        e.preventDefault();
        e.stopImmediatePropagation();
        void deploy();
      }
    };
    addEventListener('keydown', onKey, { capture: true });
    return () => removeEventListener('keydown', onKey, { capture: true });
  }, [deploy]);

  const tryRoute = (method: string, path: string) => {
    if (!workspace) return;
    // Route parameters get a sample value, and the request's name says which.
    const params = [...path.matchAll(/:(\w+)/g)].map((m) => `:${m[1]} = 1`);
    const name = params.length > 0 ? `${method} ${path} (${params.join(', ')})` : `${method} ${path}`;
    openRequest(undefined, newRequest({ name, method, url: `/sandbox/${workspace.id}${path.replace(/:(\w+)/g, '1')}` }));
    onOpenClient();
  };

  return (
    <section aria-label="Code" className="code-view panel">
      <div className="toolbar">
        <h2>Your backend</h2>
        {workspace && (
          <span className="muted">
            live at <code>/sandbox/{workspace.id}/</code> — also from curl: <code>curl {location.origin}/sandbox/{workspace.id}/</code>
          </span>
        )}
      </div>
      {failure && <p role="alert">{failure}</p>}
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void deploy()} disabled={!workspace}>
          Deploy
        </button>
        <label>
          <span className="visually-hidden">Starter template</span>
          <select
            aria-label="Starter template"
            value=""
            onChange={(e) => {
              const template = templates.find((t) => t.id === e.target.value);
              if (template && (lab.get().code === template.source || confirm(`Replace the code in the editor with "${template.name}"?`))) lab.set((s) => ({ ...s, code: template.source }));
            }}
          >
            <option value="">Start from a template …</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} — {t.description}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">Ctrl+S deploys · in the editor Tab indents: Esc, then Tab, moves on</span>
      </div>
      <p role="status" className={errors.length ? 'run-error' : 'muted'}>
        {status}
      </p>
      {errors.length > 0 && code !== outcome.source && <p className="muted">These errors are from the last deploy; the code has changed since. Deploy again to check it.</p>}
      {errors.length > 0 && (
        <ul className="code-errors" aria-label="Code errors">
          {errors.map((e, i) => (
            <li key={i}>
              Line {e.line}, column {e.column}: {e.message}
            </li>
          ))}
        </ul>
      )}
      <CodeEditor label="Backend code" language="javascript" value={code} onChange={(source) => lab.set((s) => ({ ...s, code: source }))} minHeight="18rem" diagnostics={errors} />
      {routes.length > 0 && (
        <ul className="routes" aria-label="Deployed routes">
          {routes.map((r) => (
            <li key={`${r.method} ${r.path}`}>
              <button type="button" onClick={() => tryRoute(r.method === 'ALL' || r.method === 'USE' ? 'GET' : r.method, r.path)} aria-label={`Try ${r.method} ${r.path} in the client`}>
                <span className={`method method-${r.method.toLowerCase()}`}>{r.method}</span> {r.path}
              </button>
            </li>
          ))}
        </ul>
      )}
      {workspace && database && (
        <Tabs
          label="Workspace tools"
          tabs={[
            { id: 'console', label: 'Server console', render: () => <ServerConsole workspace={workspace} /> },
            { id: 'sql', label: 'SQL console', render: () => <SqlConsole source={database} /> },
            { id: 'database', label: 'Database', render: () => <DatabaseExplorer workspace={workspace} /> },
          ]}
        />
      )}
    </section>
  );
}

function ServerConsole({ workspace }: { workspace: { id: string; key: string } }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  useEffect(() => {
    const query = `?key=${encodeURIComponent(workspace.key)}`;
    void fetch(`/api/workspaces/${workspace.id}/logs`, { headers: { 'x-workspace-key': workspace.key } })
      .then((r) => (r.ok ? r.json() : { data: [] }))
      .then((body: { data: LogLine[] }) => setLines(body.data));
    const source = new EventSource(`/api/workspaces/${workspace.id}/logs/stream${query}`);
    source.onmessage = (event) => setLines((current) => [...current, JSON.parse(event.data) as LogLine].slice(-500));
    return () => source.close();
  }, [workspace.id, workspace.key]);
  return (
    <section aria-label="Server console" className="console">
      <div className="toolbar">
        <span className="muted">console.log from your code, live</span>
        <button type="button" onClick={() => setLines([])}>
          Clear
        </button>
      </div>
      <ol className="console-lines" aria-live="polite">
        {lines.map((line, i) => (
          <li key={i} className={`console-${line.level}`}>
            <span className="muted">{new Date(line.at).toLocaleTimeString()}</span>
            {line.line !== undefined && <span className="muted">line {line.line}</span>}
            <pre>{line.message}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}

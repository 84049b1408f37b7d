import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { type DecodedJwt, findJwts } from '../http/jwt.ts';
import { statusMeaning, statusTone } from '../http/status.ts';
import { type ResponseView, useSession } from '../state/session.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { Tabs } from './Tabs.tsx';
import { TestResults } from './TestResults.tsx';

/** Loaded when the tab is first opened, like the editors, so the first page stays small. */
const Journey = lazy(() => import('./Journey.tsx'));

export function ResponsePanel() {
  const running = useSession((s) => s.running);
  const run = useSession((s) => s.run);
  const [tab, setTab] = useState('body');
  const tests = run?.tests ?? [];
  const failed = tests.filter((t) => !t.passed && !t.skipped).length;
  const ran = tests.filter((t) => !t.skipped).length;
  useEffect(() => {
    if (failed > 0) setTab('tests');
  }, [run, failed]);

  return (
    <section aria-label="Response" className="response panel" aria-busy={running}>
      <h2 className="visually-hidden">Response</h2>
      {running && <p className="status-line muted">Sending …</p>}
      {!running && !run && <p className="status-line muted">Send a request to see the response here. Ctrl+Enter sends.</p>}
      {!running && run?.error && (
        <p role="alert" className="run-error">
          {run.error}
        </p>
      )}
      {!running && run?.response && <StatusLine response={run.response} />}
      {run && (
        <Tabs
          label="Response views"
          selected={tab}
          onSelect={setTab}
          tabs={[
            { id: 'body', label: 'Body', render: () => (run.response ? <ResponseBody response={run.response} /> : <p className="muted">No response body.</p>) },
            { id: 'headers', label: `Headers${run.response ? ` (${run.response.headers.length})` : ''}`, render: () => <HeaderList headers={run.response?.headers ?? []} /> },
            { id: 'tests', label: tests.length ? `Test results (${ran - failed}/${ran})` : 'Test results', render: () => <TestResults tests={tests} stopped={run.stopped} responseCode={run.response?.code} /> },
            { id: 'console', label: 'Console', render: () => <ConsolePanel /> },
            {
              id: 'journey',
              label: 'Journey',
              render: () => (
                <Suspense fallback={<p className="muted">Loading the journey …</p>}>
                  <Journey run={run} />
                </Suspense>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

function StatusLine({ response }: { response: ResponseView }) {
  return (
    <p className="status-line">
      <strong className={`status ${statusTone(response.code)}`} data-testid="status-code">
        {response.code} {response.status}
      </strong>{' '}
      <span className="meaning">{statusMeaning(response.code)}</span>
      <span className="metrics">
        <span>{Math.round(response.timeMs)} ms</span> <span>{formatSize(response.size)}</span>
      </span>
    </p>
  );
}

const formatSize = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

function ResponseBody({ response }: { response: ResponseView }) {
  const [raw, setRaw] = useState(false);
  const pretty = useMemo(() => {
    try {
      return { text: JSON.stringify(JSON.parse(response.body), null, 2), json: true };
    } catch {
      return { text: response.body, json: false };
    }
  }, [response.body]);
  const jwts = useMemo(() => findJwts(response.body), [response.body]);
  return (
    <div className="response-body">
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> Raw
        </label>
      </div>
      {jwts.map((jwt) => (
        <JwtDecoder key={jwt.token} jwt={jwt} />
      ))}
      {raw || !pretty.json ? (
        <pre className="raw-body" aria-label="Response body">
          {response.body}
        </pre>
      ) : (
        <CodeEditor label="Response body" language="json" value={pretty.text} readOnly />
      )}
    </div>
  );
}

function JwtDecoder({ jwt }: { jwt: DecodedJwt }) {
  const [open, setOpen] = useState(false);
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(timer);
  }, [open]);
  const left = jwt.expiresAt !== undefined ? Math.round(jwt.expiresAt - now) : undefined;
  return (
    <div className="jwt">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide' : 'Decode'} JWT {jwt.token.slice(0, 12)}…
      </button>
      {open && (
        <div className="jwt-parts" aria-label="Decoded JWT">
          <h3>Header</h3>
          <pre>{JSON.stringify(jwt.header, null, 2)}</pre>
          <h3>Claims</h3>
          <pre>{JSON.stringify(jwt.claims, null, 2)}</pre>
          <p>
            {left === undefined
              ? 'No exp claim: this token never expires by itself.'
              : left > 0
                ? `Expires in ${Math.floor(left / 60)} min ${left % 60} s (${new Date(jwt.expiresAt! * 1000).toLocaleTimeString()}).`
                : `Expired ${Math.floor(-left / 60)} min ${-left % 60} s ago.`}
          </p>
          <p className="muted">Decoding is not verifying: anyone can read these claims; only the server's signature check makes them trustworthy.</p>
        </div>
      )}
    </div>
  );
}

function HeaderList({ headers }: { headers: { key: string; value: string }[] }) {
  return (
    <table className="headers" aria-label="Response headers">
      <tbody>
        {headers.map((h, i) => (
          <tr key={i}>
            <th scope="row">{h.key}</th>
            <td>{h.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

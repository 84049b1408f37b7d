import { useMemo, useState } from 'react';
import { queryTable, storedParams, urlWithParams } from '../../scripting/params.ts';
import { copySnippet, sendOpenRequest } from '../http/run.ts';
import { resolvePreview, unknownVariables } from '../http/variable-preview.ts';
import { chooseSaveTarget, saveOpenRequestToTarget, saveTarget } from '../state/collections.ts';
import { lab, updateRequest, useLab } from '../state/store.ts';
import { useSession } from '../state/session.ts';
import { AuthEditor } from './AuthEditor.tsx';
import { BodyEditor } from './BodyEditor.tsx';
import { CodeEditor } from './CodeEditor.tsx';
import { DestinationSelect } from './DestinationSelect.tsx';
import { KeyValueTable } from './KeyValueTable.tsx';
import { UnknownVariables } from './UnknownVariables.tsx';
import { Tabs } from './Tabs.tsx';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function RequestBuilder() {
  const request = useLab((s) => s.request);
  const running = useSession((s) => s.running);
  useSession((s) => s.saveIn); // re-render when the learner picks where Save goes
  // Resolved once per change of the lab state: {{$guid}}-style variables differ on every call.
  const state = useLab((s) => s);
  const preview = useMemo(() => resolvePreview(state, state.request.url), [state]);
  const [copied, setCopied] = useState('');
  const params = useMemo(() => queryTable(request.url, request.params), [request.url, request.params]);
  const resolve = (text: string) => resolvePreview(lab.get(), text);
  const unknown = (text: string) => unknownVariables(lab.get(), text);
  const urlUnknown = unknown(request.url);

  const copy = async (kind: 'curl' | 'fetch') => {
    setCopied(await copySnippet(kind));
    setTimeout(() => setCopied(''), 4000);
  };

  return (
    <section aria-label="Request" className="request panel">
      <form
        className="url-bar"
        onSubmit={(e) => {
          e.preventDefault();
          void sendOpenRequest();
        }}
      >
        <label className="visually-hidden" htmlFor="method">
          Method
        </label>
        <select id="method" value={request.method} onChange={(e) => updateRequest({ method: e.target.value })}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="url">
          Request URL
        </label>
        <input id="url" className={urlUnknown.length ? 'url has-unknown' : 'url'} aria-describedby={urlUnknown.length ? 'url-unknown' : undefined} value={request.url} title={preview !== request.url ? preview : undefined} spellCheck={false} autoComplete="off" onChange={(e) => updateRequest({ url: e.target.value })} placeholder="/api/courses or https://…" />
        <button type="submit" className="primary" disabled={running}>
          Send
        </button>
        <button type="button" onClick={() => saveOpenRequestToTarget()} title="Save to a collection (Ctrl+S)">
          Save
        </button>
      </form>
      {preview !== request.url && (
        <p className="resolved muted" aria-label="Resolved URL">
          → {preview}
        </p>
      )}
      <UnknownVariables names={urlUnknown} id="url-unknown" />
      <div className="request-meta">
        <label>
          Request name <input aria-label="Request name" value={request.name} onChange={(e) => updateRequest({ name: e.target.value })} />
        </label>
        {state.collections.length > 0 && (
          <label>
            <span aria-hidden="true">Save in </span>
            <DestinationSelect label="Save in" collections={state.collections} value={saveTarget()} onChange={chooseSaveTarget} />
          </label>
        )}
        <span className="copy-buttons">
          <button type="button" onClick={() => copy('curl')}>
            Copy as curl
          </button>
          <button type="button" onClick={() => copy('fetch')}>
            Copy as fetch
          </button>
          <span role="status" className="muted">
            {copied}
          </span>
        </span>
      </div>
      <Tabs
        label="Request parts"
        tabs={[
          { id: 'params', label: `Params${params.length ? ` (${params.length})` : ''}`, render: () => <KeyValueTable label="Query parameter" resolve={resolve} unknown={unknown} rows={params} onChange={(rows) => updateRequest({ url: urlWithParams(request.url, rows), params: storedParams(rows) })} /> },
          { id: 'headers', label: `Headers${request.headers.length ? ` (${request.headers.length})` : ''}`, render: () => <KeyValueTable label="Header" resolve={resolve} unknown={unknown} rows={request.headers} onChange={(headers) => updateRequest({ headers })} /> },
          { id: 'body', label: 'Body', render: () => <BodyEditor body={request.body} /> },
          { id: 'auth', label: 'Auth', render: () => <AuthEditor /> },
          { id: 'pre', label: 'Pre-request script', render: () => <ScriptEditor which="preRequest" label="Pre-request script" /> },
          { id: 'tests', label: 'Tests', render: () => <ScriptEditor which="tests" label="Tests" /> },
        ]}
      />
    </section>
  );
}

function ScriptEditor({ which, label }: { which: 'preRequest' | 'tests'; label: string }) {
  const scripts = useLab((s) => s.request.scripts);
  return (
    <div className="script-editor">
      <CodeEditor label={label} language="javascript" value={scripts[which]} onChange={(code) => updateRequest({ scripts: { ...scripts, [which]: code } })} minHeight="8rem" />
      <p className="muted">
        {which === 'tests'
          ? 'Runs after the response: pm.test("name", () => { pm.response.to.have.status(200); pm.expect(pm.response.json().total).to.be.above(0); });'
          : 'Runs before sending: pm.variables.set("now", Date.now()); pm.request.headers.add({ key: "X-Trace", value: "1" });'}
      </p>
    </div>
  );
}

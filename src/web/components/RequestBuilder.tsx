import { useMemo, useState } from 'react';
import type { KeyValue, RequestBody } from '../../scripting/model.ts';
import { queryTable, storedParams, urlWithParams } from '../../scripting/params.ts';
import { copySnippet, sendOpenRequest } from '../http/run.ts';
import { resolvePreview, unknownVariables, variableValue } from '../http/variable-preview.ts';
import { chooseSaveTarget, saveOpenRequestToTarget, saveTarget } from '../state/collections.ts';
import { lab, updateRequest, useLab } from '../state/store.ts';
import { useSession } from '../state/session.ts';
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

function BodyEditor({ body }: { body: RequestBody }) {
  const setMode = (mode: RequestBody['mode']) => {
    const raw = 'raw' in body ? body.raw : '';
    updateRequest({ body: mode === 'none' ? { mode } : mode === 'urlencoded' ? { mode, fields: 'fields' in body ? body.fields : [] } : { mode, raw } });
  };
  const jsonError = useMemo(() => {
    if (body.mode !== 'json' || body.raw.trim() === '') return undefined;
    try {
      // Variables are replaced before sending, so a bare {{id}} is fine here.
      JSON.parse(body.raw.replace(/{{[^{}]+}}/g, '0'));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }, [body]);
  return (
    <div className="body-editor">
      <fieldset className="body-modes">
        <legend className="visually-hidden">Body type</legend>
        {(['none', 'json', 'text', 'urlencoded'] as const).map((mode) => (
          <label key={mode}>
            <input type="radio" name="body-mode" checked={body.mode === mode} onChange={() => setMode(mode)} /> {mode === 'urlencoded' ? 'form-urlencoded' : mode === 'text' ? 'raw text' : mode === 'json' ? 'JSON' : 'none'}
          </label>
        ))}
      </fieldset>
      {(body.mode === 'json' || body.mode === 'text') && (
        <>
          <CodeEditor label="Request body" language={body.mode === 'json' ? 'json' : 'text'} value={body.raw} onChange={(raw) => updateRequest({ body: { mode: body.mode, raw } })} variables={(name) => variableValue(lab.get(), name)} describedBy="body-unknown" />
          <UnknownVariables names={unknownVariables(lab.get(), body.raw)} id="body-unknown" />
          {jsonError && (
            <p className="field-error" role="status">
              Not valid JSON yet: {jsonError}
            </p>
          )}
        </>
      )}
      {body.mode === 'urlencoded' && <KeyValueTable label="Form field" resolve={(text) => resolvePreview(lab.get(), text)} unknown={(text) => unknownVariables(lab.get(), text)} rows={body.fields} onChange={(fields: KeyValue[]) => updateRequest({ body: { mode: 'urlencoded', fields } })} />}
    </div>
  );
}

function AuthEditor() {
  const auth = useLab((s) => s.request.auth);
  return (
    <div className="auth-editor">
      <label>
        Auth type{' '}
        <select aria-label="Auth type" value={auth.type} onChange={(e) => updateRequest({ auth: e.target.value === 'bearer' ? { type: 'bearer', token: '{{token}}' } : { type: 'none' } })}>
          <option value="none">No auth</option>
          <option value="bearer">Bearer token</option>
        </select>
      </label>
      {auth.type === 'bearer' && (
        <>
        <label>
          Token <input aria-label="Token" aria-describedby={unknownVariables(lab.get(), auth.token).length ? 'token-unknown' : undefined} value={auth.token} title={auth.token.includes('{{') ? resolvePreview(lab.get(), auth.token) : undefined} onChange={(e) => updateRequest({ auth: { type: 'bearer', token: e.target.value } })} spellCheck={false} />
        </label>
        <UnknownVariables names={unknownVariables(lab.get(), auth.token)} id="token-unknown" />
        </>
      )}
      <p className="muted">A Bearer token is sent as the header Authorization: Bearer &lt;token&gt;. Use {'{{token}}'} and let a login test script save it.</p>
    </div>
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

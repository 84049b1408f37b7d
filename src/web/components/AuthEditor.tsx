import type { RequestAuth } from '../../scripting/model.ts';
import { updateRequest, useLab } from '../state/store.ts';
import { VariableField } from './VariableField.tsx';

/** What each type starts with: variables, so a login script can fill them in. */
const STARTERS: Record<RequestAuth['type'], RequestAuth> = {
  none: { type: 'none' },
  bearer: { type: 'bearer', token: '{{token}}' },
  basic: { type: 'basic', username: '{{username}}', password: '{{password}}' },
  apikey: { type: 'apikey', key: 'X-API-Key', value: '{{apiKey}}', in: 'header' },
};

export function AuthEditor() {
  const auth = useLab((s) => s.request.auth);
  const set = (next: RequestAuth) => updateRequest({ auth: next });
  return (
    <div className="auth-editor">
      <label>
        Auth type{' '}
        <select aria-label="Auth type" value={auth.type} onChange={(e) => set(STARTERS[e.target.value as RequestAuth['type']])}>
          <option value="none">No auth</option>
          <option value="bearer">Bearer token</option>
          <option value="basic">Basic auth</option>
          <option value="apikey">API key</option>
        </select>
      </label>
      {auth.type === 'bearer' && (
        <>
          <VariableField label="Token" value={auth.token} onChange={(token) => set({ ...auth, token })} />
          <p className="muted">A Bearer token is sent as the header Authorization: Bearer &lt;token&gt;. Use {'{{token}}'} and let a login test script save it.</p>
        </>
      )}
      {auth.type === 'basic' && (
        <>
          <VariableField label="Username" value={auth.username} onChange={(username) => set({ ...auth, username })} />
          <VariableField label="Password" value={auth.password} onChange={(password) => set({ ...auth, password })} />
          <p className="muted">Sent as Authorization: Basic followed by base64 of username:password. Base64 is not encryption: anyone who sees the header can read the password, so use it over HTTPS only.</p>
        </>
      )}
      {auth.type === 'apikey' && (
        <>
          <VariableField label="Key name" value={auth.key} onChange={(key) => set({ ...auth, key })} />
          <VariableField label="Key value" value={auth.value} onChange={(value) => set({ ...auth, value })} />
          <label>
            Send it in{' '}
            <select aria-label="Send the API key in" value={auth.in} onChange={(e) => set({ ...auth, in: e.target.value === 'query' ? 'query' : 'header' })}>
              <option value="header">a header</option>
              <option value="query">the query string</option>
            </select>
          </label>
        </>
      )}
      {auth.type !== 'none' && <p className="muted">A header with the same name typed in the Headers tab wins over this one.</p>}
    </div>
  );
}

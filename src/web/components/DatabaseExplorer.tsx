import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { type DbSchema, type DbSource, referenceAccess, type ReferenceAccess, referenceDb, workspaceDb } from '../http/explorer.ts';
import { SqlConsole } from './SqlConsole.tsx';
import { TableView } from './TableView.tsx';

/**
 * The database explorer: the workspace's own database, or (read-only) the lab's reference
 * database when the server allows this page to read it. An admin token typed here stays in this
 * component's memory: it is not saved with the lab.
 */
export function DatabaseExplorer({ workspace }: { workspace: { id: string; key: string } }) {
  const [which, setWhich] = useState<'workspace' | 'reference'>('workspace');
  const [token, setToken] = useState('');
  const [access, setAccess] = useState<ReferenceAccess>();
  const name = useId();
  const reasonId = useId();

  useEffect(() => {
    referenceAccess(token).then(setAccess, (e: Error) => setAccess({ available: false, via: null, reason: e.message }));
  }, [token]);
  useEffect(() => {
    if (access && !access.available) setWhich('workspace');
  }, [access]);

  const source = useMemo(() => (which === 'reference' ? referenceDb(token) : workspaceDb(workspace)), [which, token, workspace.id, workspace.key]);

  return (
    <section aria-label="Database explorer" className="db-explorer">
      <fieldset className="db-switch">
        <legend>Database</legend>
        <label>
          <input type="radio" name={name} checked={which === 'workspace'} onChange={() => setWhich('workspace')} /> Your workspace database
        </label>
        <label>
          <input type="radio" name={name} checked={which === 'reference'} disabled={!access?.available} aria-describedby={reasonId} onChange={() => setWhich('reference')} /> The lab's
          reference database (read-only)
        </label>
        <p id={reasonId} className="muted">
          {access ? (access.available ? `Reference database: ${access.reason}` : `Reference database not available: ${access.reason}`) : 'Checking access to the reference database …'}
        </p>
        {access && !access.available && <AdminToken onToken={setToken} />}
      </fieldset>
      <SchemaBrowser key={source.id} source={source} />
      {which === 'reference' && <SqlConsole source={source} label="Reference SQL console" editorLabel="Reference SQL statement" initial="SELECT id, email, role FROM users ORDER BY id" />}
    </section>
  );
}

function AdminToken({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        onToken(value.trim());
      }}
    >
      <label>
        Admin access token <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit">Use token</button>
    </form>
  );
}

function SchemaBrowser({ source }: { source: DbSource }) {
  const [schema, setSchema] = useState<DbSchema>();
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState('');
  const load = useCallback(() => {
    source.schema().then(
      (loaded) => {
        setSchema(loaded);
        setError('');
        setSelected((current) => (current && loaded.tables.some((t) => t.name === current) ? current : loaded.tables[0]?.name));
      },
      (e: Error) => setError(e.message),
    );
  }, [source]);
  useEffect(load, [load]);
  const table = schema?.tables.find((t) => t.name === selected);
  return (
    <div className="db-browser">
      <nav aria-label="Tables" className="db-tables">
        <div className="toolbar">
          <h3>Tables</h3>
          <button type="button" onClick={load}>
            Refresh
          </button>
        </div>
        {error && <p role="alert">{error}</p>}
        {schema && schema.tables.length === 0 && <p className="muted">No tables yet: create one in the SQL console.</p>}
        <ul>
          {schema?.tables.map((t) => (
            <li key={t.name}>
              <button type="button" aria-current={t.name === selected ? 'true' : undefined} aria-label={`${t.name}, ${t.rowCount} row${t.rowCount === 1 ? '' : 's'}`} onClick={() => setSelected(t.name)}>
                {t.name} <span className="muted">{t.rowCount}</span>
              </button>
            </li>
          ))}
        </ul>
        {schema && <p className="muted">{schema.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</p>}
      </nav>
      {table && <TableView key={`${source.id}:${table.name}`} source={source} table={table} />}
    </div>
  );
}

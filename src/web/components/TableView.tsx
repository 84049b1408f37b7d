import { useEffect, useState } from 'react';
import type { DbSource, RowsPage, TableInfo } from '../http/explorer.ts';
import { ResultGrid } from './ResultGrid.tsx';

const PAGE_SIZE = 20;

/** One table: its columns, indexes and foreign keys, then its rows a page at a time. */
export function TableView({ source, table }: { source: DbSource; table: TableInfo }) {
  return (
    <section aria-label={`Table ${table.name}`} className="db-table">
      <h3>
        {table.name} <span className="muted">{table.rowCount} row{table.rowCount === 1 ? '' : 's'}</span>
      </h3>
      {table.collections && (
        <p className="muted">
          Where <code>db.&lt;collection&gt;</code> keeps its documents, one JSON text per row.
        </p>
      )}
      <table className="result-grid" aria-label={`Columns of ${table.name}`}>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Null</th>
            <th scope="col">Key</th>
            <th scope="col">Default</th>
          </tr>
        </thead>
        <tbody>
          {table.columns.map((c) => (
            <tr key={c.name}>
              <td>
                {c.name}
                {c.redacted && <span className="muted"> (hidden)</span>}
              </td>
              <td>{c.type || <span className="muted">any</span>}</td>
              <td>{c.nullable ? 'yes' : 'no'}</td>
              <td>{c.primaryKey ? 'primary key' : ''}</td>
              <td>{c.default ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="db-keys">
        <div>
          <h4>Indexes</h4>
          {table.indexes.length === 0 ? (
            <p className="muted">None: a search on any column reads every row.</p>
          ) : (
            <ul aria-label={`Indexes of ${table.name}`}>
              {table.indexes.map((i) => (
                <li key={i.name}>
                  <code>{i.name}</code> on ({i.columns.join(', ')}){i.unique ? ', unique' : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>Foreign keys</h4>
          {table.foreignKeys.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul aria-label={`Foreign keys of ${table.name}`}>
              {table.foreignKeys.map((k, n) => (
                <li key={n}>
                  ({k.columns.join(', ')}) → <code>{k.references.table}</code> ({k.references.columns.join(', ')})
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <TableRows source={source} table={table} />
    </section>
  );
}

function TableRows({ source, table }: { source: DbSource; table: TableInfo }) {
  const [page, setPage] = useState(1);
  const [collection, setCollection] = useState<string>();
  const [data, setData] = useState<RowsPage>();
  const [error, setError] = useState('');
  useEffect(() => {
    let current = true;
    source.rows(table.name, page, PAGE_SIZE, collection).then(
      (rows) => current && (setData(rows), setError('')),
      (e: Error) => current && setError(e.message),
    );
    return () => {
      current = false;
    };
    // A refreshed schema is a new table object: the page is read again.
  }, [source, table, page, collection]);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.limit)) : 1;
  const first = data && data.total > 0 ? (data.page - 1) * data.limit + 1 : 0;
  const last = data ? Math.min(data.total, first + data.rows.length - 1) : 0;
  return (
    <div className="db-rows">
      <div className="toolbar">
        <h4>Rows</h4>
        {table.collections && table.collections.length > 0 && (
          <label>
            Collection{' '}
            <select
              value={collection ?? ''}
              onChange={(e) => {
                setCollection(e.target.value === '' ? undefined : e.target.value);
                setPage(1);
              }}
            >
              <option value="">All collections</option>
              {table.collections.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name} ({c.documents})
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => setPage((p) => p - 1)} disabled={page <= 1}>
          Previous page
        </button>
        <button type="button" onClick={() => setPage((p) => p + 1)} disabled={!data || page >= pages}>
          Next page
        </button>
        <span className="muted" aria-live="polite">
          {data ? (data.total === 0 ? 'No rows' : `Rows ${first}–${last} of ${data.total} · page ${data.page} of ${pages}`) : 'Loading …'}
        </span>
      </div>
      {error && <p role="alert">{error}</p>}
      {data && data.rows.length > 0 && <ResultGrid label={`Rows of ${table.name}`} columns={data.columns} rows={data.rows} />}
    </div>
  );
}

import type { ConsoleResult, DbSchema, Explained, RowsPage } from '../../server/explorer/types.ts';

import { resetDatabase } from './workspace.ts';

export type { ConsoleResult, DbSchema, Explained, RowsPage, TableInfo } from '../../server/explorer/types.ts';

/**
 * The database explorer's calls, for either database behind one interface: a workspace's own
 * (its key) or the lab's reference database (read-only; an admin token, or none on a local lab).
 */
export interface DbSource {
  /** Changes when the source does: components keyed on it reload. */
  id: string;
  readOnly: boolean;
  schema(): Promise<DbSchema>;
  rows(table: string, page: number, limit: number, collection?: string): Promise<RowsPage>;
  explain(sql: string): Promise<Explained>;
  sql(sql: string): Promise<ConsoleResult & { truncated?: boolean }>;
  /** Empties the database (a workspace only). */
  reset?(): Promise<void>;
}

export interface ReferenceAccess {
  available: boolean;
  via: 'local' | 'admin' | null;
  reason: string;
}

async function call<T>(url: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(url, init);
  if (response.status === 204) return undefined as T;
  const parsed = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(problemMessage(parsed, response.status));
  return parsed as T;
}

/** A problem's detail, with its field errors when it has them ("sql: must not be empty"). */
function problemMessage(problem: { detail?: string; errors?: { path?: string; message?: string }[] } | undefined, status: number) {
  const fields = (problem?.errors ?? []).map((e) => `${e.path ?? ''}: ${e.message ?? ''}`.trim()).filter(Boolean);
  if (fields.length > 0) return fields.join('; ');
  return problem?.detail ?? `The server answered ${status}.`;
}

function rowsQuery(page: number, limit: number, collection?: string) {
  const query = new URLSearchParams({ page: String(page), limit: String(limit) });
  if (collection !== undefined) query.set('collection', collection);
  return query.toString();
}

export function workspaceDb(ws: { id: string; key: string }): DbSource {
  const base = `/api/workspaces/${ws.id}`;
  const headers = { 'x-workspace-key': ws.key };
  return {
    id: `workspace:${ws.id}`,
    readOnly: false,
    schema: () => call(`${base}/schema`, headers),
    rows: (table, page, limit, collection) => call(`${base}/tables/${encodeURIComponent(table)}/rows?${rowsQuery(page, limit, collection)}`, headers),
    explain: (sql) => call(`${base}/explain`, headers, { sql }),
    sql: (sql) => call(`${base}/sql`, headers, { sql }),
    reset: () => resetDatabase(ws),
  };
}

const bearer = (token: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export function referenceDb(token: string): DbSource {
  const headers = bearer(token);
  return {
    id: `reference:${token ? 'admin' : 'local'}`,
    readOnly: true,
    schema: () => call('/api/explorer/schema', headers),
    rows: (table, page, limit) => call(`/api/explorer/tables/${encodeURIComponent(table)}/rows?${rowsQuery(page, limit)}`, headers),
    explain: (sql) => call('/api/explorer/explain', headers, { sql }),
    sql: (sql) => call('/api/explorer/sql', headers, { sql }),
  };
}

/** May this page read the reference database, and if not, why. */
export function referenceAccess(token: string): Promise<ReferenceAccess> {
  return call('/api/explorer/access', bearer(token));
}

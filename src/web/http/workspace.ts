import { lab } from '../state/store.ts';

export interface CodeError {
  line: number;
  column: number;
  message: string;
}

export type DeployResult = { ok: true; routes: { method: string; path: string }[]; url: string } | { ok: false; detail: string; errors: CodeError[] };

async function problemDetail(response: Response): Promise<{ detail: string; errors: CodeError[] }> {
  try {
    const body = await response.json();
    return { detail: body.detail ?? `${response.status}`, errors: Array.isArray(body.errors) ? body.errors : [] };
  } catch {
    return { detail: `The server answered ${response.status}.`, errors: [] };
  }
}

/** This browser's workspace; made once and remembered with the rest of the lab. */
export async function ensureWorkspace(): Promise<{ id: string; key: string }> {
  const existing = lab.get().workspace;
  if (existing) {
    const check = await fetch(`/api/workspaces/${existing.id}/code`, { headers: { 'x-workspace-key': existing.key } });
    if (check.ok) {
      if (lab.get().code === undefined) {
        const { source } = await check.json();
        lab.set((s) => ({ ...s, code: source }));
      }
      return existing;
    }
    if (check.status !== 404) throw new Error((await problemDetail(check)).detail);
  }
  const response = await fetch('/api/workspaces', { method: 'POST' });
  if (!response.ok) throw new Error((await problemDetail(response)).detail);
  const { id, key } = (await response.json()) as { id: string; key: string };
  const code = await fetch(`/api/workspaces/${id}/code`, { headers: { 'x-workspace-key': key } }).then((r) => r.json());
  // {{sandbox}} in the client points at this workspace's app.
  lab.set((s) => ({ ...s, workspace: { id, key }, code: code.source, globals: { ...s.globals, sandbox: `/sandbox/${id}` } }));
  return { id, key };
}

const authHeaders = (ws: { key: string }) => ({ 'x-workspace-key': ws.key, 'content-type': 'application/json' });

export async function deployCode(ws: { id: string; key: string }, source: string): Promise<DeployResult> {
  const response = await fetch(`/api/workspaces/${ws.id}/code`, { method: 'PUT', headers: authHeaders(ws), body: JSON.stringify({ source }) });
  if (response.ok) return { ok: true, ...(await response.json()) };
  return { ok: false, ...(await problemDetail(response)) };
}

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  rowsAffected: number;
}

export async function runSql(ws: { id: string; key: string }, sql: string): Promise<SqlResult> {
  const response = await fetch(`/api/workspaces/${ws.id}/sql`, { method: 'POST', headers: authHeaders(ws), body: JSON.stringify({ sql }) });
  if (!response.ok) throw new Error((await problemDetail(response)).detail);
  return response.json();
}

export async function resetDatabase(ws: { id: string; key: string }) {
  const response = await fetch(`/api/workspaces/${ws.id}/reset`, { method: 'POST', headers: { 'x-workspace-key': ws.key } });
  if (!response.ok) throw new Error((await problemDetail(response)).detail);
}

export async function loadTemplates(): Promise<{ id: string; name: string; description: string; source: string }[]> {
  const response = await fetch('/api/workspaces/templates');
  return response.ok ? (await response.json()).data : [];
}

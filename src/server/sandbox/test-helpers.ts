import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, type Sandbox } from './pool.ts';
import type { LogLine, SandboxOptions, SandboxResponse } from './types.ts';

/** A sandbox on a fresh data folder, its log lines collected, and small request helpers. */
export function testSandbox(options: Partial<SandboxOptions> = {}) {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-sandbox-'));
  const sandbox: Sandbox = createSandbox({ workers: 2, timeoutMs: 1000, memoryMb: 64, idleMs: 60_000, ...options, dataDir });
  const logs: LogLine[] = [];
  sandbox.onLog((line) => logs.push(line));
  const sources = new Map<string, string>();

  async function load(workspaceId: string, source: string) {
    sources.set(workspaceId, source);
    return sandbox.load(workspaceId, source);
  }

  async function request(workspaceId: string, method: string, target: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    const [p, q] = target.split('?');
    const headers: Record<string, string> = { ...init.headers };
    let body = '';
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await sandbox.handle(workspaceId, sources.get(workspaceId) ?? '', { method, path: p ?? '/', query: q ?? '', headers, body });
    return { ...response, json: () => parse(response) };
  }

  return {
    sandbox,
    dataDir,
    logs,
    load,
    request,
    async close() {
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function parse(response: SandboxResponse): any {
  return JSON.parse(response.body);
}

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, startServerProcess } from '../helpers/process.ts';
import { ADMIN_PASSWORD, GOOD_PASSWORD, httpRequest, uniqueEmail } from '../helpers/server.ts';

describe('the real process (npm start entry)', () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>) {
    const server = await startServerProcess(env);
    child = server.child;
    return server;
  }

  it('prints a generated admin password once, and it works', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-start-'));
    const first = await start({ DATA_DIR: dataDir, ADMIN_EMAIL: 'boss@lab.test', ADMIN_PASSWORD: '', RATE_LIMIT: '100000', AUTH_RATE_LIMIT: '100000' });
    const password = /Password \(shown once, keep it\): (\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    const login = await httpRequest(first.url, 'POST', '/api/auth/login', { body: { email: 'boss@lab.test', password } });
    expect(login.body.user.role).toBe('admin');
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('a bad setting stops the start with a message naming it', async () => {
    const result = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'eighty' } });
    let output = '';
    result.stderr.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => result.on('exit', resolve));
    expect(code).toBe(78);
    expect(output).toContain('PORT must be a whole number from 0 to 65535 (got "eighty")');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s finishes requests in flight, then exits 0', async (signal) => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-stop-'));
    const server = await start({ DATA_DIR: dataDir, ADMIN_EMAIL: 'boss@lab.test', ADMIN_PASSWORD, RATE_LIMIT: '100000', AUTH_RATE_LIMIT: '100000', LOG_LEVEL: 'info', MAX_CONCURRENT_HASHES: '1' });
    // One hash at a time (~10 ms+ each), so most of the 8 registrations are still running at the signal.
    const inFlight = Array.from({ length: 8 }, () =>
      httpRequest(server.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'Late' } }),
    );
    const received = () => server.output().split('\n').filter((l) => l.includes('incoming request') && l.includes('/api/auth/register')).length;
    for (let i = 0; i < 200 && received() < 8; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received()).toBe(8);
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child!.kill(signal);
    const statuses = (await Promise.all(inFlight)).map((r) => r.status);
    // Every request the server had received when the signal came is answered in full.
    expect(statuses).toEqual(Array(8).fill(201));
    expect(await exited).toBe(0);
  });
});

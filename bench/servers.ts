import { type ChildProcess, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, ROOT } from '../test/helpers/process.ts';

export interface Running {
  url: string;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
export const stopAll = () => children.forEach((c) => c.kill('SIGKILL'));
process.on('exit', stopAll);

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

export async function startOurs(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/ready`, child);
  return { url, child };
}

/** The limit (limit-server.ts) or the floor (floor-server.ts) over the same SQLite file and secret. */
async function startBaseline(script: string, sqliteFile: string, secret: string): Promise<Running> {
  const port = await freePort();
  const child = fork(path.join(ROOT, 'bench', script), [sqliteFile, String(port), secret], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/courses?limit=20`, child);
  return { url, child };
}

/** The limit: node:http and the same statements, nothing else. */
export const startLimit = (sqliteFile: string, secret: string) => startBaseline('limit-server.ts', sqliteFile, secret);

/** The floor: Fastify with only the parts the API must have, over the limit's own statements. */
export const startFloor = (sqliteFile: string, secret: string) => startBaseline('floor-server.ts', sqliteFile, secret);

/** json-server 0.17, the fake REST API many courses use, over the same 20 courses. */
export async function startJsonServer(dir: string, courses: unknown[]): Promise<Running> {
  const port = await freePort();
  const file = path.join(dir, 'db.json');
  fs.writeFileSync(file, JSON.stringify({ courses }));
  const bin = path.join(ROOT, 'node_modules/json-server/lib/cli/bin.js');
  const child = spawn(process.execPath, [bin, '--quiet', '--port', String(port), '--host', '127.0.0.1', file], { stdio: 'ignore' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/courses?_limit=20`, child);
  return { url, child };
}

/** A bare Fastify route, for the sandbox ratio. */
export async function startNativeRoute(): Promise<Running> {
  const port = await freePort();
  const child = fork(path.join(ROOT, 'bench/native-route-server.ts'), [String(port)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/hello/x`, child);
  return { url, child };
}

/** Our server with the same route natively under /api/bench, for what the isolate alone costs. */
export async function startLabRoute(env: Record<string, string>): Promise<Running> {
  const port = await freePort();
  const child = fork(path.join(ROOT, 'bench/lab-route-server.ts'), [String(port)], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/bench/hello/x`, child);
  return { url, child };
}

/**
 * The sandbox part of `npm run bench`: a learner's JSON route against the same route in bare
 * Fastify, cold start of a workspace, memory per idle workspace, and a healthy workspace's p99
 * while another one spins in an endless loop.
 */
import fs from 'node:fs';
import { httpRequest } from '../test/helpers/server.ts';
import { interleave, measure, type Measurement } from './measure.ts';
import { loadConfig } from '../src/server/config.ts';
import { workerIndex } from '../src/server/sandbox/pool.ts';
import { type Running, startLabRoute, startNativeRoute } from './servers.ts';

const ROUTE = 'const app = require("express")();\napp.get("/hello/:name", (req, res) => res.json({ hello: req.params.name, at: "sandbox" }));\napp.get("/spin", () => { while (true) {} });\n';

export interface SandboxFigures {
  sandbox: Measurement;
  native: Measurement;
  /** The same route natively in our server, behind the API's hooks. */
  lab: Measurement;
  coldStartMs: number;
  /** Median of the per-batch figures below. */
  idleWorkspaceKb: number;
  /** RSS growth per workspace in each counted batch. */
  idleBatchesKb: number[];
  quiet: Measurement;
  /** A healthy workspace on another worker thread than the looping one. */
  besideLoop: Measurement;
  /** One on the same thread: it waits while the loop runs, up to the time limit each time. */
  sameThreadAsLoop: Measurement;
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The same server's idle limit (startOurs passes this process's environment on). */
const idleMs = loadConfig({ SANDBOX_IDLE_SECONDS: process.env.SANDBOX_IDLE_SECONDS }).sandbox.idleMs;

const IDLE_BATCH = 50;
const IDLE_BATCHES = 4;

/**
 * Memory per idle workspace: ROUTE deployed to each and called once, so each has its QuickJS
 * runtime built and then sits idle. Worker threads are threads of the server process, so its RSS
 * counts their WASM heaps; it also moves with the main thread's garbage collection (which the
 * server cannot be asked for), so workspaces come in batches and the figure is the median growth
 * per batch, each RSS reading the median of a few. A first batch is not counted: it takes up what
 * the heaps had freed during the earlier runs (WASM memory never shrinks) and warms up the paths.
 */
async function idleWorkspaceMemory(ours: Running, newWorkspace: () => Promise<{ id: string }>) {
  const api = (method: string, p: string) => httpRequest(ours.url, method, p);
  const rss = async () => {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      samples.push(rssKb(ours.child.pid!));
    }
    return median(samples);
  };
  const batch = async () => {
    for (let i = 0; i < IDLE_BATCH; i++) {
      const ws = await newWorkspace();
      const res = await api('GET', `/sandbox/${ws.id}/hello/ada`);
      if (res.status !== 200) throw new Error(`idle workspace: ${res.status} ${res.text}`);
    }
  };
  const started = Date.now();
  await batch();
  let previous = await rss();
  const batchesKb: number[] = [];
  for (let b = 0; b < IDLE_BATCHES; b++) {
    await batch();
    const now = await rss();
    batchesKb.push((now - previous) / IDLE_BATCH);
    previous = now;
  }
  // The first workspaces must still be loaded (not unloaded as idle) when the last reading is taken.
  const elapsed = Date.now() - started;
  if (elapsed > idleMs / 2) throw new Error(`idle workspace memory took ${elapsed} ms, too close to SANDBOX_IDLE_SECONDS (${idleMs / 1000} s): workspaces may have been unloaded`);
  return { kb: median(batchesKb), batchesKb };
}

/** `labEnv`: the environment for a second instance of our server that has the route natively. */
export async function benchSandbox(ours: Running, labEnv: Record<string, string>): Promise<SandboxFigures> {
  const api = (method: string, p: string, options?: Parameters<typeof httpRequest>[3]) => httpRequest(ours.url, method, p, options);
  const newWorkspace = async () => {
    const ws = (await api('POST', '/api/workspaces')).body as { id: string; key: string };
    const res = await api('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source: ROUTE } });
    if (res.status !== 200) throw new Error(`deploy failed: ${res.text}`);
    return ws;
  };

  const main = await newWorkspace();
  const native = await startNativeRoute();
  const lab = await startLabRoute(labEnv);
  const figures: Partial<SandboxFigures> = {};
  const compared: Record<string, Measurement> = {};
  await interleave(compared, [
    ['native', 'native Fastify GET /hello/:name', { url: `${native.url}/hello/ada` }],
    ['lab', 'our server, native GET /api/bench/hello/:name', { url: `${lab.url}/api/bench/hello/ada` }],
    ['sandbox', 'sandbox GET /sandbox/<id>/hello/:name', { url: `${ours.url}/sandbox/${main.id}/hello/ada` }],
  ]);
  Object.assign(figures, compared);
  lab.child.kill('SIGKILL');

  // Cold start: a workspace whose code is in the database but not loaded anywhere yet.
  const cold: number[] = [];
  for (let i = 0; i < 20; i++) {
    const ws = (await api('POST', '/api/workspaces')).body as { id: string };
    const started = performance.now();
    await api('GET', `/sandbox/${ws.id}/`);
    cold.push(performance.now() - started);
  }
  figures.coldStartMs = median(cold);

  const idle = await idleWorkspaceMemory(ours, newWorkspace);
  figures.idleWorkspaceKb = idle.kb;
  figures.idleBatchesKb = idle.batchesKb;

  const healthy = `${ours.url}/sandbox/${main.id}/hello/ada`;
  figures.quiet = await measure('healthy workspace, quiet', { url: healthy, connections: 10, seconds: 5 });
  // Workspaces are pinned to a worker thread by a hash of their id (SANDBOX_WORKERS, 2 here).
  let stuck = await newWorkspace();
  while (workerIndex(stuck.id, 2) === workerIndex(main.id, 2)) stuck = await newWorkspace();
  let neighbour = await newWorkspace();
  while (workerIndex(neighbour.id, 2) !== workerIndex(stuck.id, 2)) neighbour = await newWorkspace();
  let spinning = true;
  const spinner = (async () => {
    while (spinning) await api('GET', `/sandbox/${stuck.id}/spin`);
  })();
  figures.besideLoop = await measure('healthy workspace beside an endless loop (other thread)', { url: healthy, connections: 10, seconds: 5 });
  figures.sameThreadAsLoop = await measure('healthy workspace beside an endless loop (same thread)', { url: `${ours.url}/sandbox/${neighbour.id}/hello/ada`, connections: 10, seconds: 5 });
  spinning = false;
  await spinner;
  console.log('  measured the sandbox');
  return figures as SandboxFigures;
}

export function printSandbox(f: SandboxFigures) {
  const ratio = f.sandbox.rps / f.native.rps;
  console.log('\nsandbox                                            measured   target');
  const line = (label: string, value: string, target: string, ok: boolean) => console.log(`${label.padEnd(50)} ${value.padStart(9)}   ${target} ${ok ? 'PASS' : 'FAIL'}`);
  console.log(`${'  native Fastify route'.padEnd(50)} ${f.native.rps.toFixed(0).padStart(9)} req/s, p99 ${f.native.p99} ms`);
  console.log(`${'  the route natively in our server (API hooks)'.padEnd(50)} ${f.lab.rps.toFixed(0).padStart(9)} req/s, p99 ${f.lab.p99} ms`);
  console.log(`${'  sandbox route'.padEnd(50)} ${f.sandbox.rps.toFixed(0).padStart(9)} req/s, p99 ${f.sandbox.p99} ms`);
  line('sandbox route ÷ native Fastify route', `${ratio.toFixed(2)}×`, '≥ 0.3×', ratio >= 0.3);
  console.log(`${'sandbox route ÷ the route natively in our server'.padEnd(50)} ${`${(f.sandbox.rps / f.lab.rps).toFixed(2)}×`.padStart(9)}   (what the isolate alone costs)`);
  line('cold start of a workspace (median of 20)', `${f.coldStartMs.toFixed(1)} ms`, '≤ 50 ms', f.coldStartMs <= 50);
  console.log(`${`memory per idle workspace (RSS, ${IDLE_BATCHES} × ${IDLE_BATCH})`.padEnd(50)} ${`${(f.idleWorkspaceKb / 1024).toFixed(2)} MB`.padStart(9)}   (median; per batch ${f.idleBatchesKb.map((kb) => kb.toFixed(0)).join(', ')} KB)`);
  console.log(`${'healthy workspace p99, quiet'.padEnd(50)} ${`${f.quiet.p99} ms`.padStart(9)}`);
  line('healthy p99 beside an endless loop, other thread', `${f.besideLoop.p99} ms`, `≤ 3× quiet, ${f.besideLoop.non2xx} non-2xx`, f.besideLoop.p99 <= 3 * Math.max(1, f.quiet.p99) && f.besideLoop.non2xx === 0);
  console.log(`${'healthy p99 beside an endless loop, same thread'.padEnd(50)} ${`${f.sameThreadAsLoop.p99} ms`.padStart(9)}   (waits for the loop's time limit; ${f.sameThreadAsLoop.non2xx} non-2xx)`);
}

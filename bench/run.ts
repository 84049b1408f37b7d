/**
 * npm run bench: our API against the least a server can do (node:http + better-sqlite3) and against
 * json-server, one after another in the same run on the same data, printed as ratios.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpRequest } from '../test/helpers/server.ts';
import { interleave, measure, type Measurement, PAIR_SECONDS, pairedRatio, type PairedRatio, PAIRS, ROUND_SECONDS, ROUNDS, warmUp } from './measure.ts';
import { benchJourneyCost, printJourneyCost } from './journey-cost.ts';
import { benchSandbox, printSandbox } from './sandbox.ts';
import { startFloor, startJsonServer, startLimit, startOurs, stopAll } from './servers.ts';

const ADMIN = { email: 'admin@bench.local', password: 'bench admin password 123' };
const PASSWORD = 'a long and unusual passphrase 42';
const COURSES = 300;
const BUYERS = 40;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-bench-'));
  const secret = randomBytes(32).toString('hex');
  const unlimited = '1000000000';
  const ours = await startOurs({ DATA_DIR: dataDir, JWT_SECRET: secret, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT: unlimited, AUTH_RATE_LIMIT: unlimited, WORKSPACES_PER_HOUR: unlimited });
  const api = (method: string, p: string, options?: Parameters<typeof httpRequest>[3]) => httpRequest(ours.url, method, p, options);

  console.log(`seeding ${COURSES} courses and ${BUYERS} users …`);
  const admin = (await api('POST', '/api/auth/login', { body: ADMIN })).body.accessToken;
  const courseIds: number[] = [];
  for (let i = 0; i < COURSES; i++) {
    courseIds.push((await api('POST', '/api/courses', { token: admin, body: { title: `Bench course ${i}`, description: 'A course made for the benchmark.', priceCents: 1000 + i, status: 'published' } })).body.id);
  }
  const buyers: string[] = [];
  for (let i = 0; i < BUYERS; i++) {
    buyers.push((await api('POST', '/api/auth/register', { body: { email: `buyer${i}@bench.local`, password: PASSWORD, name: `Buyer ${i}` } })).body.accessToken);
  }
  const token = buyers[0]!;
  const page = (await api('GET', '/api/courses?limit=20')).body.data;

  // The same server with tracing off, over the same database, for what tracing costs.
  const untraced = await startOurs({ DATA_DIR: dataDir, JWT_SECRET: secret, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT: unlimited, AUTH_RATE_LIMIT: unlimited, TRACES: 'off' });
  const limit = await startLimit(path.join(dataDir, 'backend-lab.sqlite'), secret);
  const floor = await startFloor(path.join(dataDir, 'backend-lab.sqlite'), secret);
  const peer = await startJsonServer(dataDir, page);
  const bearer = { authorization: `Bearer ${token}` };

  const results: Record<string, Measurement> = {};
  const run = async (key: string, name: string, load: Parameters<typeof measure>[1]) => {
    await warmUp(load);
    results[key] = await measure(name, load);
    console.log(`  measured ${name}`);
  };
  // Contenders compared by a ratio run in short interleaved rounds, each round in a new order:
  // on two shared cores a single long run each let drift between runs decide a ratio.
  await interleave(results, [
    ['limitCourses', 'limit  GET /api/courses?limit=20', { url: `${limit.url}/api/courses?limit=20` }],
    ['floorCourses', 'floor  GET /api/courses?limit=20', { url: `${floor.url}/api/courses?limit=20` }],
    ['peerCourses', 'json-server GET /courses?_limit=20', { url: `${peer.url}/courses?_limit=20` }],
    ['oursCourses', 'ours   GET /api/courses?limit=20', { url: `${ours.url}/api/courses?limit=20` }],
    ['untracedCourses', 'ours, traces off GET /api/courses?limit=20', { url: `${untraced.url}/api/courses?limit=20` }],
  ]);
  await interleave(results, [
    ['limitMe', 'limit  GET /api/me', { url: `${limit.url}/api/me`, headers: bearer }],
    ['floorMe', 'floor  GET /api/me', { url: `${floor.url}/api/me`, headers: bearer }],
    ['oursMe', 'ours   GET /api/me', { url: `${ours.url}/api/me`, headers: bearer }],
    ['untracedMe', 'ours, traces off GET /api/me', { url: `${untraced.url}/api/me`, headers: bearer }],
  ]);

  // What tracing costs, from servers measured back to back (see pairedRatio).
  const tracing = {
    courses: await pairedRatio({ url: `${ours.url}/api/courses?limit=20` }, { url: `${untraced.url}/api/courses?limit=20` }),
    me: await pairedRatio({ url: `${ours.url}/api/me`, headers: bearer }, { url: `${untraced.url}/api/me`, headers: bearer }),
  };
  console.log('  measured tracing on ÷ off in pairs');

  // Every order must be a new (buyer, course) pair, or it is a 409.
  let n = 0;
  const nextOrder = () => {
    const i = n++;
    return { headers: { authorization: `Bearer ${buyers[i % BUYERS]}` }, body: JSON.stringify({ courseId: courseIds[Math.floor(i / BUYERS) % COURSES] }) };
  };
  results.oursOrders = await measure('ours   POST /api/orders', { url: `${ours.url}/api/orders`, method: 'POST', next: nextOrder, seconds: 5 });
  console.log('  measured orders');
  const login = { url: `${ours.url}/api/auth/login`, method: 'POST' as const, body: JSON.stringify({ email: 'buyer1@bench.local', password: PASSWORD }), connections: 16 };
  await run('oursLogin', 'ours   POST /api/auth/login', login);
  const [storm] = await Promise.all([measure('ours   GET /api/courses during a login storm', { url: `${ours.url}/api/courses?limit=20` }), measure('login storm', login)]);
  results.storm = storm;

  const labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-bench-lab-'));
  const sandbox = await benchSandbox(ours, { DATA_DIR: labDir, JWT_SECRET: secret, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, RATE_LIMIT: unlimited, AUTH_RATE_LIMIT: unlimited });
  stopAll();
  const journey = await benchJourneyCost();
  print(results, tracing);
  printSandbox(sandbox);
  printJourneyCost(journey);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(labDir, { recursive: true, force: true });
}

function print(r: Record<string, Measurement>, tracing: { courses: PairedRatio; me: PairedRatio }) {
  const row = (m: Measurement) => `${m.name.padEnd(46)} ${m.rps.toFixed(0).padStart(8)} ${String(m.p50).padStart(7)} ${String(m.p99).padStart(7)} ${String(m.non2xx).padStart(7)}`;
  console.log(`\nCompared routes ran in ${ROUNDS} interleaved rounds of ${ROUND_SECONDS} s after a warm-up: req/s is their mean, p50/p99 their medians.`);
  console.log(`${'route (50 connections; login 16)'.padEnd(46)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(7)}`);
  for (const m of Object.values(r)) console.log(row(m));
  const ratio = (a: number, b: number) => (a / b).toFixed(2) + '×';
  const check = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const c = r.oursCourses!, me = r.oursMe!, storm = r.storm!;
  console.log('\ntarget                                             measured   result');
  const line = (label: string, value: string, ok: boolean) => console.log(`${label.padEnd(50)} ${value.padStart(9)}   ${check(ok)}`);
  line('GET /api/courses ≥ 0.8× the limit', ratio(c.rps, r.limitCourses!.rps), c.rps >= 0.8 * r.limitCourses!.rps);
  line('GET /api/courses ≥ 2× json-server', ratio(c.rps, r.peerCourses!.rps), c.rps >= 2 * r.peerCourses!.rps);
  line('GET /api/me ≥ 0.8× the limit', ratio(me.rps, r.limitMe!.rps), me.rps >= 0.8 * r.limitMe!.rps);
  line('GET /api/me ≥ 2× json-server (its course page)', ratio(me.rps, r.peerCourses!.rps), me.rps >= 2 * r.peerCourses!.rps);
  line('GET /api/courses p99 < 20 ms', `${c.p99} ms`, c.p99 < 20);
  line('GET /api/me p99 < 20 ms', `${me.p99} ms`, me.p99 < 20);
  line('tracing on ≥ 0.85× off, GET /api/courses', ratio(tracing.courses.ratio, 1), tracing.courses.ratio >= 0.85);
  line('tracing on ≥ 0.85× off, GET /api/me', ratio(tracing.me.ratio, 1), tracing.me.ratio >= 0.85);
  line('courses p99 in a login storm ≤ 3× quiet', ratio(storm.p99, Math.max(1, c.p99)), storm.p99 <= 3 * Math.max(1, c.p99));
  console.log(`\nThe floor (Fastify with @fastify/rate-limit, helmet's headers, a request id and @fastify/jwt around the limit's own
statements, nothing else) is ${ratio(r.floorCourses!.rps, r.limitCourses!.rps)} the limit on GET /api/courses and ${ratio(r.floorMe!.rps, r.limitMe!.rps)} on GET /api/me:
a ratio to the limit above the floor's is not reachable with those parts. Ours ÷ floor: ${ratio(c.rps, r.floorCourses!.rps)} and ${ratio(me.rps, r.floorMe!.rps)}.`);
  const range = (p: PairedRatio) => `${p.low.toFixed(2)}–${p.high.toFixed(2)}×`;
  console.log(`\nTracing on ÷ off is the median of ${PAIRS} back-to-back pairs of ${PAIR_SECONDS} s: GET /api/courses ${range(tracing.courses)}, GET /api/me ${range(tracing.me)}.
From the interleaved rounds above (4–16 s apart): ${ratio(c.rps, r.untracedCourses!.rps)} and ${ratio(me.rps, r.untracedMe!.rps)}.`);
  console.log('\nSQLite runs with WAL and synchronous=FULL: every POST /api/orders waits for an fsync of the WAL.');
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});

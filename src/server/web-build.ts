import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const WEB_DIST = path.join(ROOT, 'dist/web');
const STAMP = path.join(WEB_DIST, '.built');
const SOURCES = [path.join(ROOT, 'src/web'), path.join(ROOT, 'src/scripting'), path.join(ROOT, 'vite.config.ts')];

function newestChange(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestChange(path.join(entry, name)));
  return newest;
}

/** True when dist/web is missing or older than its sources (after a pull without `npm install`). */
export function webBuildIsStale(): boolean {
  const built = fs.statSync(STAMP, { throwIfNoEntry: false });
  return !built || SOURCES.some((source) => newestChange(source) > built.mtimeMs);
}

/** Builds the browser app with Vite when it is stale. `npm install` builds it too (postinstall). */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<void> {
  if (!webBuildIsStale()) return;
  log('  Building the lab web app (once; it takes a few seconds) …');
  const { build } = await import('vite');
  // Always a production build: under the test runner NODE_ENV is "test", and React's JSX transform
  // would pick its development runtime (half again as large, and slower) for the page `npm start` serves.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  fs.writeFileSync(STAMP, new Date().toISOString());
}

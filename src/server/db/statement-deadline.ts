import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';

/**
 * A time limit on each SQLite statement of learner SQL (workspace databases, the reference
 * console), from the small SQLite extension beside this file (statement-deadline.c): better-sqlite3
 * cannot interrupt a statement, and a thread that runs one cannot be terminated either.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SOURCE = path.join(import.meta.dirname, 'statement-deadline.c');
const SUFFIX = process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';
export const STATEMENT_DEADLINE_LIBRARY = path.join(ROOT, 'dist/native', `statement-deadline${SUFFIX}`);

/** The key that unlocks lab_deadline(): made per thread, never shown to learner SQL. */
const KEY = randomBytes(24).toString('hex');

/**
 * Compiles the extension with the machine's C compiler (better-sqlite3 itself needed one here,
 * and its sqlite3ext.h is the header). Returns why it could not, or undefined when it is built.
 */
export function buildStatementDeadline(): string | undefined {
  const built = fs.statSync(STATEMENT_DEADLINE_LIBRARY, { throwIfNoEntry: false });
  if (built && built.mtimeMs >= fs.statSync(SOURCE).mtimeMs) return undefined;
  const require = createRequire(import.meta.url);
  const headers = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'deps/sqlite3');
  fs.mkdirSync(path.dirname(STATEMENT_DEADLINE_LIBRARY), { recursive: true });
  const linkFlags = process.platform === 'darwin' ? ['-dynamiclib'] : ['-shared', '-Wl,-z,nodelete'];
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-fPIC', '-pthread', ...linkFlags, '-I', headers, SOURCE, '-o', STATEMENT_DEADLINE_LIBRARY], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const { stderr, message } = error as { stderr?: Buffer; message: string };
    return (stderr?.toString().trim() || message).split('\n')[0];
  }
}

/**
 * Every statement on this connection may run for `ms` milliseconds, then fails with
 * SQLITE_INTERRUPT (see isInterrupted). False when the extension is not built: statements then
 * run unbounded, and the caller's thread is the only thing that can be given up.
 */
export function limitStatements(db: Database.Database, ms: number): boolean {
  if (!fs.existsSync(STATEMENT_DEADLINE_LIBRARY)) return false;
  db.loadExtension(STATEMENT_DEADLINE_LIBRARY);
  db.prepare('SELECT lab_deadline_key(?)').get(KEY);
  db.prepare('SELECT lab_deadline(?, ?)').get(KEY, Math.max(1, Math.floor(ms)));
  return true;
}

export const isInterrupted = (error: unknown) => (error as { code?: string }).code === 'SQLITE_INTERRUPT';

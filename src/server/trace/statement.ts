import type { FastifyRequest } from 'fastify';
import { MAX_SQL } from './redact.ts';
import { oneLine } from './sql.ts';

/**
 * A statement a learner typed (the SQL consoles, EXPLAIN) as an `sql` step of the request's
 * journey. It runs elsewhere (a sandbox worker, the read-only reader), so it is timed from here;
 * its text is redacted too, since a learner may paste a secret into it.
 */
export async function traceStatement<R>(
  request: FastifyRequest,
  statement: { sql: string; params?: unknown[] },
  run: (sql: string, params: unknown[]) => Promise<R>,
  count: (result: R) => Record<string, number>,
): Promise<R> {
  const { sql } = statement;
  const params = statement.params ?? [];
  const trace = request.trace;
  if (!trace) return run(sql, params);
  const { redactor } = trace;
  const text = redactor.text(sql);
  const detail = { sql: redactor.keep(text, MAX_SQL), params: redactor.sqlParams(sql, params) };
  const start = trace.now();
  try {
    const result = await run(sql, params);
    trace.add('sql', oneLine(text), start, trace.now() - start, 'ok', { ...detail, ...count(result) });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    trace.add('sql', oneLine(text), start, trace.now() - start, 'error', { ...detail, error: redactor.scrub(message) });
    throw error;
  }
}

/** What a console answer says about its rows. */
export const consoleCounts = (result: { rows: unknown[]; rowsAffected?: number }): Record<string, number> =>
  result.rowsAffected ? { rows: result.rows.length, rowsAffected: result.rowsAffected } : { rows: result.rows.length };

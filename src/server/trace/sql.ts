import {
  type CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type KyselyPlugin,
  type QueryExecutor,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
} from 'kysely';
import { isSyncConnection } from '../db/sqlite-driver.ts';
import type { TraceLink, TraceRecorder } from './recorder.ts';
import { MAX_SQL } from './redact.ts';

/**
 * A Kysely for the whole server, and per request a Kysely (`request.db`) whose statements become
 * `sql` steps of the request's trace, with their parameters redacted, their time and their rows.
 * Statements outside a request (migrations, the request-log flush) carry no trace.
 *
 * The request's Kysely shares the server's connections and compiler; only its query executor is
 * its own. (A Kysely plugin did this before: every statement then paid for Kysely awaiting the
 * plugin's result hook, and a driver wrapper to find the trace again — together nearly half of
 * what tracing allocated per request. AsyncLocalStorage, the other way, cost a third of a traced request
 * on Node 20 in its promise hooks.)
 */
export function traceableKysely<DB>(dialect: Dialect): { kysely: Kysely<DB>; forTrace(link: TraceLink): Kysely<DB> } {
  let driver: Driver | undefined;
  // Kysely makes the driver; it is kept here for the requests' transactions to begin and end on.
  const kysely = new Kysely<DB>({
    dialect: {
      createAdapter: () => dialect.createAdapter(),
      createQueryCompiler: () => dialect.createQueryCompiler(),
      createIntrospector: (db) => dialect.createIntrospector(db),
      createDriver: () => (driver = dialect.createDriver()),
    },
  });
  const executor = kysely.getExecutor();
  const config = { dialect };
  return {
    kysely,
    forTrace: (link) => new Kysely<DB>({ config, dialect, driver: driver!, executor: new TracedExecutor(executor, link) }),
  };
}

/** Kysely's executor, with each statement timed on its connection and recorded. */
class TracedExecutor implements QueryExecutor {
  constructor(
    private readonly inner: QueryExecutor,
    private readonly link: TraceLink,
  ) {}

  get adapter() {
    return this.inner.adapter;
  }

  get plugins() {
    return this.inner.plugins;
  }

  transformQuery<T extends RootOperationNode>(node: T, queryId: QueryId): T {
    return this.inner.transformQuery(node, queryId);
  }

  compileQuery<R = unknown>(node: RootOperationNode, queryId: QueryId): CompiledQuery<R> {
    return this.inner.compileQuery(node, queryId);
  }

  provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    return this.inner.provideConnection(consumer);
  }

  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    const trace = this.link.trace;
    if (!trace) return this.inner.executeQuery(query);
    // With plugins, Kysely's own path runs their result hooks; the step then includes waiting for a connection.
    if (this.inner.plugins.length > 0) return record(trace, query, trace.now(), this.inner.executeQuery(query));
    return this.inner.provideConnection((connection) => {
      const start = trace.now();
      if (!isSyncConnection(connection)) return record(trace, query, start, connection.executeQuery<R>(query));
      let result: QueryResult<R>;
      try {
        result = connection.executeQueryNow<R>(query);
      } catch (error) {
        recordFailed(trace, query, start, error);
        return Promise.reject(error as Error);
      }
      recordDone(trace, query, start, result);
      return Promise.resolve(result);
    });
  }

  stream<R>(query: CompiledQuery<R>, chunkSize: number) {
    return this.inner.stream(query, chunkSize);
  }

  withConnectionProvider(provider: ConnectionProvider): QueryExecutor {
    return new TracedExecutor(this.inner.withConnectionProvider(provider), this.link);
  }

  withPlugin(plugin: KyselyPlugin): QueryExecutor {
    return new TracedExecutor(this.inner.withPlugin(plugin), this.link);
  }

  withPlugins(plugins: readonly KyselyPlugin[]): QueryExecutor {
    return new TracedExecutor(this.inner.withPlugins(plugins), this.link);
  }

  withPluginAtFront(plugin: KyselyPlugin): QueryExecutor {
    return new TracedExecutor(this.inner.withPluginAtFront(plugin), this.link);
  }

  withoutPlugins(): QueryExecutor {
    return new TracedExecutor(this.inner.withoutPlugins(), this.link);
  }
}

/** then() rather than an async function: one promise fewer per statement on the hot path. */
function record<R>(trace: TraceRecorder, query: CompiledQuery, start: number, running: Promise<QueryResult<R>>): Promise<QueryResult<R>> {
  return running.then(
    (result) => {
      recordDone(trace, query, start, result);
      return result;
    },
    (error: unknown) => {
      recordFailed(trace, query, start, error);
      throw error;
    },
  );
}

function recordDone(trace: TraceRecorder, query: CompiledQuery, start: number, result: QueryResult<unknown>) {
  const affected = result.numAffectedRows;
  const known = statement(query.sql);
  trace.add('sql', known.line, start, trace.now() - start, 'ok', {
    sql: keptText(trace, known),
    params: keptParams(trace, query),
    rows: result.rows.length > 0 || affected === undefined ? result.rows.length : undefined,
    rowsAffected: affected === undefined ? undefined : Number(affected),
  });
}

function recordFailed(trace: TraceRecorder, query: CompiledQuery, start: number, error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const known = statement(query.sql);
  trace.add('sql', known.line, start, trace.now() - start, 'error', { sql: keptText(trace, known), params: keptParams(trace, query), error: message });
}

// The cached copy: Kysely writes the text anew for each query, and 2,000 kept traces would each hold their own.
const keptText = (trace: TraceRecorder, known: { text: string }) => trace.redactor.keep(known.text, MAX_SQL);

const keptParams = (trace: TraceRecorder, query: CompiledQuery) => (query.parameters.length === 0 ? [] : trace.redactor.sqlParams(query.sql, query.parameters));

const statements = new Map<string, { text: string; line: string }>();

/** One copy of a statement's text, and the statement on one line for a step's name (the same texts recur). */
function statement(sql: string) {
  let known = statements.get(sql);
  if (known === undefined) {
    const text = sql.replace(/\s+/g, ' ').trim();
    known = { text: sql, line: text.length > 120 ? `${text.slice(0, 117)}…` : text };
    if (statements.size >= 1000) statements.clear();
    statements.set(sql, known);
  }
  return known;
}

export const oneLine = (sql: string) => statement(sql).line;

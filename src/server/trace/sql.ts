import type { CompiledQuery, DatabaseConnection, Dialect, Driver, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { TraceLink, TraceRecorder } from './recorder.ts';
import { MAX_SQL } from './redact.ts';

/**
 * Which trace a query belongs to, written on the query id Kysely gives the query: the id reaches
 * the connection with the compiled query. (A WeakMap from ids to traces made every young-generation
 * GC walk its ephemeron table: scavenges took three times as long.)
 */
const TRACE = Symbol('trace');
type TaggedQueryId = QueryId & { [TRACE]?: TraceLink };

/**
 * Marks the queries of one request's Kysely (`request.db`, made with `withPlugin`) with its trace.
 * Passing the trace along with the query is what lets the connection find it without
 * AsyncLocalStorage, whose promise hooks cost a third of a traced request on Node 20.
 */
export class TracePlugin implements KyselyPlugin {
  constructor(private readonly link: TraceLink) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    (args.queryId as TaggedQueryId)[TRACE] = this.link;
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs) {
    return Promise.resolve(args.result as QueryResult<UnknownRow>);
  }
}

/**
 * Kysely dialect wrapper: every statement run through a request's `request.db` becomes an `sql`
 * step of its trace, with its parameters redacted, its time and its rows. Statements outside a
 * request (migrations, the request-log flush) carry no trace and are not recorded.
 */
export function tracedDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => tracedDriver(inner.createDriver()),
  };
}

/**
 * Plain delegation rather than Proxies: a Proxy's get trap bound a fresh function on every call, and
 * every query acquires and releases a connection. A connection's wrapper is made once and kept.
 */
function tracedDriver(driver: Driver): Driver {
  const wrappers = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  return {
    init: () => driver.init(),
    // then() rather than an async function: every query acquires a connection.
    acquireConnection: () =>
      driver.acquireConnection().then((connection) => {
        let wrapper = wrappers.get(connection);
        if (!wrapper) {
          wrapper = tracedConnection(connection);
          wrappers.set(connection, wrapper);
          inner.set(wrapper, connection);
        }
        return wrapper;
      }),
    beginTransaction: (connection, settings) => driver.beginTransaction(unwrap(connection), settings),
    commitTransaction: (connection) => driver.commitTransaction(unwrap(connection)),
    rollbackTransaction: (connection) => driver.rollbackTransaction(unwrap(connection)),
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    destroy: () => driver.destroy(),
    ...(driver.savepoint ? { savepoint: (connection, name, compile) => driver.savepoint!(unwrap(connection), name, compile) } : {}),
    ...(driver.rollbackToSavepoint ? { rollbackToSavepoint: (connection, name, compile) => driver.rollbackToSavepoint!(unwrap(connection), name, compile) } : {}),
    ...(driver.releaseSavepoint ? { releaseSavepoint: (connection, name, compile) => driver.releaseSavepoint!(unwrap(connection), name, compile) } : {}),
  };
}

function tracedConnection(connection: DatabaseConnection): DatabaseConnection {
  return {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const trace = (query.queryId as TaggedQueryId)[TRACE]?.trace;
      if (!trace) return connection.executeQuery<R>(query);
      const start = trace.now();
      // then() rather than an async function: one promise fewer per statement on the hot path.
      return connection.executeQuery<R>(query).then(
        (result) => {
          const detail: Record<string, unknown> = sqlDetail(trace, query);
          if (result.numAffectedRows !== undefined) detail.rowsAffected = Number(result.numAffectedRows);
          if (result.rows.length > 0 || result.numAffectedRows === undefined) detail.rows = result.rows.length;
          trace.add('sql', oneLine(query.sql), start, trace.now() - start, 'ok', detail);
          return result;
        },
        (error: unknown) => {
          const detail = sqlDetail(trace, query);
          detail.error = error instanceof Error ? error.message : String(error);
          trace.add('sql', oneLine(query.sql), start, trace.now() - start, 'error', detail);
          throw error;
        },
      );
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

function sqlDetail(trace: TraceRecorder, query: CompiledQuery): Record<string, unknown> {
  return {
    // The cached copy: Kysely writes the text anew for each query, and 2,000 kept traces would each hold their own.
    sql: trace.redactor.keep(statement(query.sql).text, MAX_SQL),
    params: query.parameters.length === 0 ? [] : trace.redactor.sqlParams(query.sql, query.parameters),
  };
}

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

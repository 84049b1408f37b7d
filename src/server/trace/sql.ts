import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import { currentTrace } from './context.ts';

/** SQL text kept in a step; longer statements are cut. */
const MAX_SQL = 4000;

/**
 * Kysely dialect wrapper: every statement the API runs becomes an `sql` step of the request it
 * runs for (found through AsyncLocalStorage), with its parameters redacted, its time and its rows.
 * Statements outside a request (migrations, the request-log flush) are not traced.
 */
export function tracedDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => tracedDriver(inner.createDriver()),
  };
}

function tracedDriver(driver: Driver): Driver {
  return new Proxy(driver, {
    get(target, key, receiver) {
      if (key === 'acquireConnection') return async () => tracedConnection(await target.acquireConnection());
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function tracedConnection(connection: DatabaseConnection): DatabaseConnection {
  const executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
    const trace = currentTrace();
    if (!trace) return connection.executeQuery<R>(query);
    const end = trace.begin('sql', oneLine(query.sql));
    const detail: Record<string, unknown> = {
      sql: query.sql.length > MAX_SQL ? `${query.sql.slice(0, MAX_SQL)}…` : query.sql,
      params: trace.redactor.sqlParams(query.sql, query.parameters),
    };
    try {
      const result = await connection.executeQuery<R>(query);
      if (result.numAffectedRows !== undefined) detail.rowsAffected = Number(result.numAffectedRows);
      if (result.rows.length > 0 || result.numAffectedRows === undefined) detail.rows = result.rows.length;
      end('ok', detail);
      return result;
    } catch (error) {
      detail.error = error instanceof Error ? error.message : String(error);
      end('error', detail);
      throw error;
    }
  };
  return new Proxy(connection, {
    get(target, key, receiver) {
      if (key === 'executeQuery') return executeQuery;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function oneLine(sql: string) {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

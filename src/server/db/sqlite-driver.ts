import type SQLite from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect } from 'kysely';

/**
 * Kysely's SQLite dialect with a driver of our own, for three reasons measured on GET /api/courses:
 * - transactions `begin immediate`: a plain (deferred) `begin` that reads and then writes fails at
 *   once with SQLITE_BUSY_SNAPSHOT when the request-log thread committed in between (a 500 on a
 *   token refresh); immediate takes the write lock first and waits its turn (busy_timeout);
 * - prepared statements are kept by SQL text (Kysely prepares every query anew);
 * - rows are read as arrays and made into objects of one fixed shape per statement: building each
 *   row property by property was a quarter of the course page's time in SQLite.
 */
export class FastSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: SQLite.Database) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new FastSqliteDriver(this.sqlite);
  }
}

/**
 * A connection whose statements run at once (better-sqlite3 is synchronous): the trace records a
 * statement as it returns, with no promise and callbacks of its own per statement.
 */
export interface SyncConnection extends DatabaseConnection {
  executeQueryNow<R>(query: CompiledQuery): QueryResult<R>;
}

export const isSyncConnection = (connection: DatabaseConnection): connection is SyncConnection => 'executeQueryNow' in connection;

/** Distinct SQL texts kept; texts such as `in (?, ?, …)` vary with their input, so the cache is bounded. */
const CACHED_STATEMENTS = 500;

class FastSqliteDriver implements Driver {
  private readonly connection: StatementCache;
  /** SQLite has one connection: a transaction holds it across awaits, and other queries wait. */
  private held = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly sqlite: SQLite.Database) {
    this.connection = new StatementCache(sqlite);
  }

  async init() {}

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.connection);
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(this.connection)));
  }

  releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy() {
    this.sqlite.close();
  }
}

type Shape = (values: unknown[]) => Record<string, unknown>;
interface Prepared {
  statement: SQLite.Statement<unknown[]>;
  /** For statements that return rows: builds a row object from the array SQLite gives. */
  shape: Shape | undefined;
}

class StatementCache implements SyncConnection {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly sqlite: SQLite.Database) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.executeQueryNow<R>(query));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  executeQueryNow<R>(query: CompiledQuery): QueryResult<R> {
    const { statement, shape } = this.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    if (shape) {
      const rows = statement.all(parameters) as unknown[][];
      const objects = new Array<R>(rows.length);
      for (let i = 0; i < rows.length; i++) objects[i] = shape(rows[i]!) as R;
      return { rows: objects };
    }
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('streaming is not used with SQLite here');
  }

  private prepare(sql: string): Prepared {
    let prepared = this.prepared.get(sql);
    if (prepared === undefined) {
      const statement = this.sqlite.prepare<unknown[]>(sql);
      let shape: Shape | undefined;
      if (statement.reader) {
        statement.raw(true);
        shape = rowShape(statement.columns().map((column) => column.name));
      }
      prepared = { statement, shape };
      if (this.prepared.size >= CACHED_STATEMENTS) this.prepared.clear();
      this.prepared.set(sql, prepared);
    }
    return prepared;
  }
}

/**
 * One object literal for a statement's columns, so every row of it has the same hidden class from
 * the start. Names are written as JSON string literals: nothing in a column name can become code.
 * A name that appears twice keeps its last value, as better-sqlite3's own row objects do.
 */
function rowShape(names: string[]): Shape {
  // `"__proto__": x` in a literal would set the prototype; the computed form makes a property.
  const fields = names.map((name, i) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as Shape;
}

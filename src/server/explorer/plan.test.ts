import { describe, expect, it } from 'vitest';
import { tableAliases } from './plan.ts';
import { readPostgresPlan } from './plan-postgres.ts';
import { readSqlitePlan } from './plan-sqlite.ts';

describe('SQLite plans for a learner', () => {
  it('tells a full scan from a search through an index', () => {
    const scan = readSqlitePlan([{ id: 2, parent: 0, detail: 'SCAN users' }], 'SELECT * FROM users WHERE email = ?');
    expect(scan).toMatchObject({ usesIndex: false, scans: ['users'], summary: ['Reads every row of users (a full scan)'] });
    const search = readSqlitePlan([{ id: 3, parent: 0, detail: 'SEARCH users USING INDEX users_email_idx (email=?)' }], 'SELECT * FROM users WHERE email = ?');
    expect(search).toMatchObject({ usesIndex: true, scans: [], summary: ['Finds rows in users through the index users_email_idx (email=?)'] });
    expect(search.plan[0]).toMatchObject({ table: 'users', index: 'users_email_idx', fullScan: false });
  });

  it('names tables behind their aliases, and reads keys, covering indexes, sorts and temporary indexes', () => {
    const sql = 'SELECT u.name, o.total FROM users AS u JOIN orders o ON o.user_id = u.id ORDER BY o.total';
    const plan = readSqlitePlan(
      [
        { id: 4, parent: 0, detail: 'SCAN o' },
        { id: 6, parent: 0, detail: 'SEARCH u USING INTEGER PRIMARY KEY (rowid=?)' },
        { id: 16, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY' },
      ],
      sql,
    );
    expect(plan.summary).toEqual([
      'Reads every row of orders (a full scan)',
      'Finds rows in users directly by its primary key (rowid=?)',
      'Sorts the rows for ORDER BY in a temporary structure (no index gives this order)',
    ]);
    expect(plan.scans).toEqual(['orders']);
    // A search by primary key is a search through the table's own b-tree: it counts as index use.
    expect(plan.usesIndex).toBe(true);
    const covering = readSqlitePlan([{ id: 4, parent: 0, detail: 'SCAN users USING COVERING INDEX users_email_idx' }], 'SELECT count(*) FROM users');
    expect(covering).toMatchObject({ usesIndex: true, scans: ['users'] });
    const automatic = readSqlitePlan([{ id: 5, parent: 0, detail: 'SEARCH b USING AUTOMATIC COVERING INDEX (k=?)' }], 'SELECT * FROM a JOIN big b ON b.k = a.k');
    expect(automatic.summary[0]).toMatch(/^Builds a temporary index on big for this query only \(k=\?\)/);
    expect(automatic.usesIndex).toBe(false);
  });

  it('finds aliases but not keywords', () => {
    expect(Object.fromEntries(tableAliases('select * from "users" u left join orders as o on o.user_id = u.id where u.id = 1'))).toEqual({ u: 'users', o: 'orders' });
    expect(tableAliases('SELECT * FROM users WHERE id = 1').size).toBe(0);
  });
});

describe('PostgreSQL plans for a learner', () => {
  it('reads a sequential scan with its filter, and an index scan', () => {
    const seq = readPostgresPlan([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'users', Alias: 'users', 'Plan Rows': 1, Filter: "(email = 'a'::text)" } }]);
    expect(seq).toMatchObject({ usesIndex: false, scans: ['users'] });
    expect(seq.plan[0]).toMatchObject({ id: 1, parent: 0, detail: "Seq Scan on users  filter: (email = 'a'::text)", estimatedRows: 1 });
    expect(seq.summary[0]).toBe("Reads every row of users (a full scan), keeping those where (email = 'a'::text)");
    const index = readPostgresPlan([{ Plan: { 'Node Type': 'Index Scan', 'Index Name': 'users_email_idx', 'Relation Name': 'users', Alias: 'users', 'Index Cond': "(email = 'a'::text)" } }]);
    expect(index).toMatchObject({ usesIndex: true, scans: [], summary: ["Finds rows in users through the index users_email_idx ((email = 'a'::text))"] });
  });

  it('keeps the tree and gives a bitmap index scan its table', () => {
    const plan = readPostgresPlan([
      {
        Plan: {
          'Node Type': 'Limit',
          Plans: [
            {
              'Node Type': 'Bitmap Heap Scan',
              'Relation Name': 'orders',
              'Recheck Cond': '(user_id = 1)',
              Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'orders_user_idx', 'Index Cond': '(user_id = 1)' }],
            },
          ],
        },
      },
    ]);
    expect(plan.plan.map((n) => [n.id, n.parent])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
    expect(plan.plan[2]).toMatchObject({ table: 'orders', index: 'orders_user_idx' });
    expect(plan.summary[2]).toBe('Finds rows in orders through the index orders_user_idx ((user_id = 1))');
    expect(plan.usesIndex).toBe(true);
  });

  it('refuses something that is not a plan', () => {
    expect(() => readPostgresPlan([])).toThrow(/no plan/);
  });
});

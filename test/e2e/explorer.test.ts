import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { backendReady, useLabPage } from '../helpers/lab-page.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let page: Page;
useLabPage({ ready: backendReady, use: (s, p) => { server = s; page = p; } });

/** The server answers within a second here, but the machine may be busy. */

/** Runs a statement in the SQL console and waits for its outcome line. */
async function runSql(statement: string, outcome: RegExp) {
  await page.getByRole('textbox', { name: 'SQL statement' }).fill(statement);
  await page.getByRole('button', { name: 'Run SQL' }).click();
  await expect.poll(() => page.getByRole('region', { name: 'SQL console' }).textContent()).toMatch(outcome);
}

describe('the database explorer in the lab', () => {
  it('shows a table made in the SQL console with its columns, pages its rows, and explains a query', async () => {
    await page.getByRole('tab', { name: 'SQL console' }).click();
    await runSql('CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL, isbn VARCHAR(20))', /0 rows/);
    await runSql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) INSERT INTO books (id, title, isbn) SELECT i, 'Book ' || i, 'isbn-' || i FROM n", /25 affected/);

    await page.getByRole('tab', { name: 'Database' }).click();
    const tables = page.getByRole('navigation', { name: 'Tables' });
    // Keyboard: focus the table's button and press Enter.
    await tables.getByRole('button', { name: 'books, 25 rows' }).focus();
    await page.keyboard.press('Enter');
    const columns = page.getByRole('table', { name: 'Columns of books' });
    await expect.poll(() => columns.getByRole('row').allTextContents()).toEqual(['ColumnTypeNullKeyDefault', 'idINTEGERnoprimary key', 'titleVARCHAR(100)no', 'isbnVARCHAR(20)yes']);

    const rows = page.getByRole('table', { name: 'Rows of books' });
    await expect.poll(() => rows.getByRole('row').count()).toBe(21);
    await expect.poll(() => page.getByText('Rows 1–20 of 25 · page 1 of 2').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText('Rows 21–25 of 25 · page 2 of 2').count()).toBe(1);
    expect(await rows.getByRole('row').nth(1).getByRole('cell').allTextContents()).toEqual(['21', 'Book 21', 'isbn-21']);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => page.getByText('Rows 1–20 of 25 · page 1 of 2').count()).toBe(1);

    await page.getByRole('tab', { name: 'SQL console' }).click();
    const editor = page.getByRole('textbox', { name: 'SQL statement' });
    await editor.fill("SELECT * FROM books WHERE isbn = 'isbn-7'");
    await page.getByRole('button', { name: 'Explain' }).click();
    const plan = page.getByRole('region', { name: 'Query plan' });
    await expect.poll(() => plan.textContent()).toContain('Reads every row of books (a full scan)');
    expect(await plan.textContent()).toContain('Full scan of books');

    await runSql('CREATE INDEX books_isbn_idx ON books (isbn)', /0 rows/);
    await editor.fill("SELECT * FROM books WHERE isbn = 'isbn-7'");
    await editor.press('Control+Shift+Enter');
    await expect.poll(() => plan.textContent()).toContain('Finds rows in books through the index books_isbn_idx');
    expect(await plan.textContent()).toContain('Uses an index');

    await page.getByRole('tab', { name: 'Database' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Indexes of books' }).textContent()).toContain('books_isbn_idx on (isbn)');
  });

  it('opens the reference database read-only on a local lab, secrets hidden', async () => {
    await page.getByRole('tab', { name: 'Database' }).click();
    const reference = page.getByRole('radio', { name: "The lab's reference database (read-only)" });
    await expect.poll(() => reference.isEnabled()).toBe(true);
    await reference.check();
    await page.getByRole('navigation', { name: 'Tables' }).getByRole('button', { name: /^users,/ }).click();
    const rows = page.getByRole('table', { name: 'Rows of users' });
    await expect.poll(() => rows.textContent()).toContain('[redacted]');
    expect(await rows.textContent()).toContain('admin@test.local');

    const editor = page.getByRole('textbox', { name: 'Reference SQL statement' });
    await editor.fill('DELETE FROM users');
    await page.getByRole('region', { name: 'Reference SQL console' }).getByRole('button', { name: 'Run SQL' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/read-only/);
  });
});

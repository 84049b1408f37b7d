import { describe, expect, it } from 'vitest';
import { CUT, placeholderColumns, REDACTED, Redactor } from './redact.ts';

describe('redaction', () => {
  it('finds the column of each placeholder in the SQL Kysely writes', () => {
    expect(placeholderColumns('insert into "users" ("email", "password_hash", "name") values (?, ?, ?) returning *')).toEqual(['email', 'password_hash', 'name']);
    expect(placeholderColumns('select * from "refresh_tokens" where "token_hash" = ? and "user_id" = ?')).toEqual(['token_hash', 'user_id']);
    expect(placeholderColumns('update "users" set "password_hash" = $1, "token_version" = $2 where "id" = $3')).toEqual(['password_hash', 'token_version', 'id']);
    expect(placeholderColumns("select '?' as q from t where a = ?")).toEqual(['a']);
    expect(placeholderColumns('INSERT INTO users (email, password) VALUES (?, ?), (?, ?)')).toEqual(['email', 'password', 'email', 'password']);
  });

  it('redacts secret columns, secret-looking values and values the request sent as secrets', () => {
    const r = new Redactor();
    r.learnFrom({ email: 'ada@x.test', password: 'correct horse battery' });
    expect(r.sqlParams('insert into "users" ("email", "password_hash") values (?, ?)', ['ada@x.test', '$argon2id$v=19$m=19456,t=2,p=1$abc$def'])).toEqual(['ada@x.test', REDACTED]);
    expect(r.sqlParams('select * from t where "id" = ?', ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'])).toEqual([REDACTED]);
    expect(r.text('login with correct horse battery now')).toBe(`login with ${REDACTED} now`);
    expect(r.text('hash $2b$10$UjCVineBNDpoholKNADKDOkvYiP/qn20WNVbnkadVqvuiT7yrsa4m')).toBe(`hash ${REDACTED}`);
    expect(r.value({ user: { password: 'x', token_version: 3, name: 'Ada' } })).toEqual({ user: { password: REDACTED, token_version: 3, name: 'Ada' } });
  });

  it('redacts secret headers and query parameters but keeps the scheme', () => {
    const r = new Redactor();
    expect(r.headers({ authorization: 'Bearer abc.def.ghi', cookie: 'sid=1', 'x-workspace-key': 'wk_x', accept: 'application/json' }))
      .toEqual({ authorization: `Bearer ${REDACTED}`, cookie: REDACTED, 'x-workspace-key': REDACTED, accept: 'application/json' });
    expect(r.query('key=wk_abc&page=2&access_token=zzz')).toBe(`key=${encodeURIComponent(REDACTED)}&page=2&access_token=${encodeURIComponent(REDACTED)}`);
  });

  it('keeps a query without secret names as sent, and still finds a secret name spelled with %-escapes or as `key`', () => {
    const r = new Redactor();
    expect(r.query('limit=20&page=2&q=a+b')).toBe('limit=20&page=2&q=a+b');
    expect(r.query('monkey=1&keys=2')).toBe('monkey=1&keys=2');
    expect(r.query('x=1&key=abc')).toBe(`x=1&key=${encodeURIComponent(REDACTED)}`);
    expect(r.query('pass%77ord=hunter2')).not.toContain('hunter2');
    expect(r.query('q=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe(`q=${REDACTED}`);
  });

  it('learns the credentials, cookies, secret headers and query parameters a request carries', () => {
    const r = new Redactor();
    r.learnFromRequest({ authorization: 'Bearer opaque-1234', cookie: 'sid=abcd-5678; lang=en', 'x-api-key': 'key-9012', accept: 'text/html' }, 'token=qqq-3456&page=20');
    expect(r.text('opaque-1234 abcd-5678 key-9012 qqq-3456 page 20 text/html lang en')).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} page 20 text/html lang en`);
  });

  it('cuts long strings, and once a trace has used its budget cuts everything after', () => {
    const r = new Redactor();
    expect(r.value('x'.repeat(5000))).toBe('x'.repeat(1000) + '…');
    for (let i = 0; i < 30; i++) r.value('y'.repeat(1000));
    expect(r.value('z')).toBe(CUT);
    expect(r.value({ a: 1 })).toBe(CUT);
    expect(r.value(42)).toBe(42);
  });
});

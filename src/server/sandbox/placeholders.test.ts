import { describe, expect, it } from 'vitest';
import { hasNumberedPlaceholders, numberPlaceholders } from './placeholders.ts';

describe('placeholders', () => {
  it('finds $1 and ?1 outside strings, identifiers and comments only', () => {
    expect(hasNumberedPlaceholders('SELECT * FROM t WHERE id = $1')).toBe(true);
    expect(hasNumberedPlaceholders('SELECT * FROM t WHERE id = ?2')).toBe(true);
    expect(hasNumberedPlaceholders("SELECT '$1', \"?1\" -- $1\n FROM t /* ?3 */ WHERE id = ?")).toBe(false);
    expect(hasNumberedPlaceholders('SELECT price$1 FROM t')).toBe(false);
  });

  it('numbers ? for PostgreSQL unless the statement numbers its own', () => {
    expect(numberPlaceholders('SELECT ? , ?')).toBe('SELECT $1 , $2');
    expect(numberPlaceholders("SELECT '$1' AS s WHERE id = ?")).toBe("SELECT '$1' AS s WHERE id = $1");
    expect(numberPlaceholders('SELECT $2, $1')).toBe('SELECT $2, $1');
  });
});

/**
 * Secrets never leave the reference database through the explorer: a column whose name looks
 * like one is shown as "[redacted]". Names are the rule because the lab's own secrets are named
 * so (password_hash, token_hash, key_hash) and a learner's tables are named alike.
 */

const SECRET_NAME = /password|hash|secret|token/i;
export const REDACTED = '[redacted]';

export const isSecretColumn = (name: string | null | undefined) => !!name && SECRET_NAME.test(name);

/** Replaces the values of the columns flagged secret (null stays null: there is nothing to hide). */
export function redactRows(rows: unknown[][], secret: boolean[]): unknown[][] {
  if (!secret.some(Boolean)) return rows;
  return rows.map((row) => row.map((value, i) => (secret[i] && value !== null ? REDACTED : value)));
}

/**
 * A value as JSON can carry it: binary as its size, 64-bit integers as text (exactly, unlike a
 * double), dates as ISO text.
 */
export function plainValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  return value;
}

export const plainRows = (rows: unknown[][]) => rows.map((row) => row.map(plainValue));

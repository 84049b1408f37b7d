import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso, toIso } from '../../db/connection.ts';
import type { Database } from '../../db/schema.ts';

export const REFRESH_TOKEN_DAYS = 14;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque refresh token; only its hash is stored. Starts a family unless one is given. */
export async function issueRefreshToken(db: Kysely<Database>, userId: number, familyId: string = randomUUID()) {
  const token = 'rt_' + randomBytes(32).toString('base64url');
  const now = Date.now();
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(token),
      expires_at: new Date(now + REFRESH_TOKEN_DAYS * 86_400_000).toISOString(),
      created_at: new Date(now).toISOString(),
    })
    .execute();
  return token;
}

export type Rotation =
  | { outcome: 'rotated'; userId: number; token: string }
  | { outcome: 'unknown' | 'expired' | 'revoked' }
  | { outcome: 'reused'; userId: number };

/**
 * Spends a refresh token and issues its successor in the same family. A token presented a second
 * time means it was copied: the whole family is revoked so the thief's copy dies with the victim's.
 */
export async function rotateRefreshToken(db: Kysely<Database>, token: string): Promise<Rotation> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) return { outcome: 'unknown' };
    if (row.revoked_at) return { outcome: 'revoked' };
    if (row.used_at) {
      await revokeFamily(trx, row.family_id);
      return { outcome: 'reused', userId: row.user_id };
    }
    if (new Date(toIso(row.expires_at)).getTime() <= Date.now()) return { outcome: 'expired' };
    // Guarded update: of two concurrent rotations of the same token only one can win.
    const spent = await trx.updateTable('refresh_tokens').set({ used_at: nowIso() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) {
      await revokeFamily(trx, row.family_id);
      return { outcome: 'reused', userId: row.user_id };
    }
    const next = await issueRefreshToken(trx, row.user_id, row.family_id);
    return { outcome: 'rotated', userId: row.user_id, token: next };
  });
}

function revokeFamily(db: Kysely<Database>, familyId: string) {
  return db.updateTable('refresh_tokens').set({ revoked_at: nowIso() }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
}

/** Logout: ends the session the token belongs to, but only if it is the caller's own. */
export async function revokeSessionOf(db: Kysely<Database>, token: string, userId: number) {
  const row = await db.selectFrom('refresh_tokens').select(['family_id', 'user_id']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (row && row.user_id === userId) await revokeFamily(db, row.family_id);
}

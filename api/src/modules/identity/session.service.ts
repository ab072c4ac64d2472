import { buildings, communities, prepared, sessions, units, users, type DbOrTx } from '@cgp/db';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from './actor';

export const SESSION_COOKIE = 'cgp_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: DbOrTx,
  input: { userId: string; ttlHours: number; userAgent: string; ip: string },
): Promise<{ token: string; expiresAt: Date }> {
  // 32 random bytes: unguessable, and opaque so it can be revoked server-side at any time.
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.ttlHours * 3_600_000);
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: input.userId,
    expiresAt,
    userAgent: input.userAgent.slice(0, 300),
    ip: input.ip.slice(0, 64),
  });
  return { token, expiresAt };
}

const sessionByTokenHash = prepared('session_by_token', (db, name) =>
  db
    .select({
      id: users.id,
      role: users.role,
      displayName: users.displayName,
      phone: users.phone,
      unitId: users.unitId,
      communityId: units.communityId,
      address: sql<
        string | null
      >`${communities.name} || ' ' || ${buildings.name} || ' ' || ${units.label}`,
      merchantId: users.merchantId,
      merchantRole: users.merchantRole,
      companyId: users.companyId,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(units, eq(units.id, users.unitId))
    .leftJoin(buildings, eq(buildings.id, units.buildingId))
    .leftJoin(communities, eq(communities.id, units.communityId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    )
    .limit(1)
    .prepare(name),
);

/**
 * The actor behind a token, or null when the token is unknown, expired, revoked or disabled.
 * Every authenticated request asks this, so it is a prepared statement.
 */
export async function resolveSession(db: DbOrTx, token: string): Promise<Actor | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await sessionByTokenHash(db).execute({ tokenHash: hashToken(token) });
  return row ?? null;
}

export async function revokeSession(db: DbOrTx, token: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
}

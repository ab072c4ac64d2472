import { buildings, communities, prepared, sessions, units, users, type DbOrTx } from '@cgp/db';
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from './actor';

export const SESSION_COOKIE = 'cgp_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: DbOrTx,
  input: {
    userId: string;
    ttlHours: number;
    userAgent: string;
    ip: string;
    /** How long the session may sit unused before it ends. */
    idleSeconds?: number;
  },
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
    ...(input.idleSeconds ? { idleSeconds: input.idleSeconds } : {}),
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
      // Touch the session at most once a minute, so reads stay reads.
      touch: sql<boolean>`${sessions.lastSeenAt} < now() - interval '1 minute'`,
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
        sql`${sessions.lastSeenAt} + make_interval(secs => ${sessions.idleSeconds}) > now()`,
        isNull(users.disabledAt),
      ),
    )
    .limit(1)
    .prepare(name),
);

/**
 * The actor behind a token, or null when the token is unknown, expired, idle too long, revoked
 * or disabled. Every authenticated request asks this, so it is a prepared statement.
 */
export async function resolveSession(db: DbOrTx, token: string): Promise<Actor | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const tokenHash = hashToken(token);
  const [row] = await sessionByTokenHash(db).execute({ tokenHash });
  if (!row) return null;
  const { touch, ...actor } = row;
  if (touch) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.tokenHash, tokenHash));
  }
  return actor;
}

/** Ends every session of the user but the one given (a password change keeps its own). */
export async function revokeOtherSessions(
  db: DbOrTx,
  userId: string,
  keepToken: string | null,
): Promise<number> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepToken ? ne(sessions.tokenHash, hashToken(keepToken)) : undefined,
      ),
    )
    .returning({ tokenHash: sessions.tokenHash });
  return revoked.length;
}

export async function revokeSession(db: DbOrTx, token: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
}

import { users, type Db, type DbOrTx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { BadRequest, TooManyRequests, Unauthorized } from '../../errors';
import { isStaffRole, type Actor } from './actor';
import type { ChangePasswordInput, LoginInput } from './auth.schema';
import type { LoginLimiter } from './login-limiter';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import { createSession, resolveSession, revokeOtherSessions } from './session.service';

export interface LoginContext {
  ip: string;
  userAgent: string;
  ttlHours: number;
  /** Idle limits: residents and merchants, and staff (property roles, the operator). */
  idleSeconds: { user: number; staff: number };
  limiter: LoginLimiter;
}

/**
 * Checks a phone and password. Wrong password and unknown phone fail alike, so the answer does
 * not reveal who is registered; repeated failures for a phone or an IP are refused for a while.
 */
export async function login(
  db: DbOrTx,
  input: LoginInput,
  ctx: LoginContext,
): Promise<{ token: string; expiresAt: Date; actor: Actor }> {
  // The guess is counted before its check runs, so parallel or batched guesses get no extra checks.
  const guess = await ctx.limiter.reserve(input.phone, ctx.ip);
  if (!guess.allowed) throw new TooManyRequests(guess.retryAfterSeconds);

  const [user] = await db.select().from(users).where(eq(users.phone, input.phone)).limit(1);
  const ok = user ? await verifyPassword(user.passwordHash, input.password) : false;
  if (!user) await burnPasswordCheck(input.password);
  if (!user || !ok || user.disabledAt) {
    await guess.release('failure');
    throw new Unauthorized('invalid_credentials', 'Phone number or password is incorrect');
  }
  await guess.release('success');
  const session = await createSession(db, {
    userId: user.id,
    ttlHours: ctx.ttlHours,
    userAgent: ctx.userAgent,
    ip: ctx.ip,
    idleSeconds: isStaffRole(user.role) ? ctx.idleSeconds.staff : ctx.idleSeconds.user,
  });
  const actor = await resolveSession(db, session.token);
  if (!actor) throw new Error('A session created just now did not resolve');
  return { ...session, actor };
}

/**
 * `auth.changePassword`: checks the current password (a guess like any login, so a stolen
 * session cannot brute-force it), stores the new one and ends every other session of the user.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  input: ChangePasswordInput,
  ctx: { ip: string; token: string | null; limiter: LoginLimiter },
): Promise<{ otherSessionsEnded: number }> {
  const guess = await ctx.limiter.reserve(actor.phone, ctx.ip);
  if (!guess.allowed) throw new TooManyRequests(guess.retryAfterSeconds);
  const [user] = await db.select().from(users).where(eq(users.id, actor.id)).limit(1);
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await guess.release('failure');
    throw new BadRequest('wrong_password', 'The current password is incorrect');
  }
  await guess.release('success');
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.id));
    return { otherSessionsEnded: await revokeOtherSessions(tx, actor.id, ctx.token) };
  });
}

/** The public view of the signed-in user (`auth.me`). */
export function describeActor(actor: Actor) {
  return {
    id: actor.id,
    role: actor.role,
    displayName: actor.displayName,
    phone: actor.phone,
    merchantId: actor.merchantId ?? undefined,
    merchantRole: actor.merchantRole ?? undefined,
    communityId: actor.communityId ?? undefined,
    address: actor.address ?? undefined,
    companyId: actor.companyId ?? undefined,
  };
}

import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure, publicProcedure } from '../../trpc';
import { changePasswordInput, loginInput } from './auth.schema';
import { changePassword, describeActor, login } from './auth.service';
import { revokeSession } from './session.service';

export const authRouter = {
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const session = await login(ctx.db, input, {
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      ttlHours: ctx.env.SESSION_TTL_HOURS,
      idleSeconds: {
        user: ctx.env.SESSION_IDLE_HOURS * 3600,
        staff: ctx.env.STAFF_SESSION_IDLE_MINUTES * 60,
      },
      limiter: ctx.loginLimiter,
    });
    ctx.cookies.set(session.token, session.expiresAt);
    return {
      user: describeActor(session.actor),
      // Browsers get only the httpOnly cookie, so page scripts never see the token.
      token: input.tokenInBody ? session.token : undefined,
      expiresAt: session.expiresAt.toISOString(),
    };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.token) await revokeSession(ctx.db, ctx.token);
    ctx.cookies.clear();
    return { ok: true as const };
  }),

  /** Changes the password and signs the user out everywhere else. */
  changePassword: authedProcedure.input(changePasswordInput).mutation(({ ctx, input }) =>
    changePassword(ctx.db, ctx.actor, input, {
      ip: ctx.ip,
      token: ctx.token,
      limiter: ctx.loginLimiter,
    }),
  ),

  me: authedProcedure.query(({ ctx }) => describeActor(ctx.actor)),
} satisfies TRPCRouterRecord;

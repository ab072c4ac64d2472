/**
 * 1. INITIALISATION — one tRPC instance, plain JSON (no transformer: ISO strings and integer fen).
 * 2. MIDDLEWARE     — domain errors to tRPC codes; authentication; role narrowing.
 * 3. PROCEDURES     — public, authed, resident, merchant, property, ops, platform, operator.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Context } from './context';
import { DomainError, internalErrorMessage, toTRPCError } from './errors';
import { workerOfUser } from './modules/delivery/workers.service';
import {
  isMerchantStaff,
  isPlatformAdmin,
  isPropertyStaff,
  isResident,
  type Actor,
} from './modules/identity/actor';

// 1. INITIALISATION ------------------------------------------------------------------------

function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

const t = initTRPC.context<Context>().create({
  // Stack traces never go to clients, so tRPC need not format them.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const domain = error.cause instanceof DomainError ? error.cause : null;
    const requestId = ctx?.requestId || undefined;
    // An unmapped failure's own message may hold SQL, parameters or another user's data: the log
    // keeps it (app.ts onError), the client gets the request id to quote.
    const hidden = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      message: zod
        ? `Invalid input — ${describeZodError(zod)}`
        : hidden
          ? internalErrorMessage(requestId)
          : shape.message,
      data: {
        ...shape.data,
        requestId,
        // Never send stack traces to clients.
        stack: undefined,
        reason: domain?.reason ?? (zod ? 'invalid_input' : undefined),
        details: domain?.details,
        fieldErrors: zod
          ? zod.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
          : undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// 2. MIDDLEWARE ----------------------------------------------------------------------------

/** Turns DomainErrors and client-caused database errors into their tRPC codes, in one place. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error);
    if (mapped) throw mapped;
  }
  return result;
});

/** Whether any string in `value` (keys included) holds a NUL, which no text field may carry. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (!value || typeof value !== 'object' || depth > 64) return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || holdsNul(v, depth + 1));
}

/** The session lookup failed (the database is down, say): fail the call, not the context. */
const sessionLookup = t.middleware(({ ctx, next }) => {
  if (ctx.sessionError) throw ctx.sessionError;
  return next();
});

/** A NUL in any text is refused up front, the same way in every field, before any handler runs. */
const refuseNul = t.middleware(async ({ getRawInput, next }) => {
  if (holdsNul(await getRawInput())) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Text must not contain NUL characters',
      cause: new DomainError('BAD_REQUEST', 'invalid_text', 'Text must not contain NUL characters'),
    });
  }
  return next();
});

const requireActor = t.middleware(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in first' });
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

function requireRole<A extends Actor>(guard: (a: Actor) => a is A, who: string) {
  return t.middleware(({ ctx, next }) => {
    const actor = ctx.actor;
    if (!actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in first' });
    if (!guard(actor)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Only ${who} may do this` });
    }
    return next({ ctx: { ...ctx, actor } });
  });
}

// 3. PROCEDURES ----------------------------------------------------------------------------

export const publicProcedure = t.procedure.use(mapErrors).use(sessionLookup).use(refuseNul);
export const authedProcedure = publicProcedure.use(requireActor);
/** Anyone of the marketplace itself (residents, merchants, property staff), not its operator. */
export const marketProcedure = publicProcedure.use(
  requireRole(
    (a: Actor): a is Actor => !isPlatformAdmin(a),
    'residents, merchants and property staff',
  ),
);
export const residentProcedure = publicProcedure.use(requireRole(isResident, 'residents'));
export const merchantProcedure = publicProcedure.use(
  requireRole(isMerchantStaff, 'merchant staff'),
);
export const merchantOwnerProcedure = publicProcedure.use(
  requireRole(
    (
      a: Actor,
    ): a is Actor & { role: 'merchant_staff'; merchantId: string; merchantRole: 'owner' } =>
      isMerchantStaff(a) && a.merchantRole === 'owner',
    'merchant owners',
  ),
);
export const propertyProcedure = publicProcedure.use(
  requireRole(isPropertyStaff, 'property staff'),
);
export const opsProcedure = publicProcedure.use(
  requireRole(
    (a: Actor): a is Actor & { role: 'property_ops'; companyId: string } =>
      isPropertyStaff(a) && a.role === 'property_ops',
    'property operations staff',
  ),
);
export const platformProcedure = publicProcedure.use(
  requireRole(isPlatformAdmin, 'the platform operator'),
);
/**
 * Property staff or the platform operator: reports whose scope the tenant-scope module decides
 * (a company's own, or the whole deployment's for the operator).
 */
export const operatorProcedure = publicProcedure.use(
  requireRole(
    (a: Actor): a is Actor => isPropertyStaff(a) || isPlatformAdmin(a),
    'property staff or the platform operator',
  ),
);

/** Merchant staff who are workers (服务人员): the worker view. Checked before the input is read. */
export const workerProcedure = merchantProcedure.use(async ({ ctx, next }) => {
  const worker = await workerOfUser(ctx.db, ctx.actor.id);
  if (!worker || worker.merchantId !== ctx.actor.merchantId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only workers have tasks' });
  }
  return next({ ctx: { ...ctx, worker } });
});

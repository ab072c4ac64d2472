import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import { ORIGIN_REFUSAL, passesOriginCheck } from '../../own-site';
import {
  isMerchantStaff,
  isPropertyStaff,
  type Actor,
  type MerchantActor,
  type PropertyActor,
} from './actor';
import { resolveSession, SESSION_COOKIE } from './session.service';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `requireSession` (and its two forms below) on the plain HTTP routes. */
    actor?: Actor;
  }
}

function tokenOf(req: Request): { token: string; byCookie: boolean } | null {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { token: bearer, byCookie: false };
  const cookie = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
  return cookie ? { token: cookie, byCookie: true } : null;
}

/**
 * Guards a plain HTTP route beside tRPC (CSV exports, the queue dashboard) with the same session
 * as tRPC, cookie or Bearer: 401 without a valid session, 403 for anyone `allowed` refuses, and
 * 403 for a cookie-carrying request that another site's page made the browser send (CSRF).
 */
export function requireSession(deps: AppDeps, allowed: (actor: Actor) => boolean, refusal: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const session = tokenOf(req);
      if (session?.byCookie && !passesOriginCheck(req, deps.env.PUBLIC_URL)) {
        res.status(403).json({ error: { message: ORIGIN_REFUSAL } });
        return;
      }
      const actor = session ? await resolveSession(deps.db, session.token) : null;
      if (!actor) {
        res.status(401).json({ error: { message: 'Please sign in first' } });
        return;
      }
      if (!allowed(actor)) {
        res.status(403).json({ error: { message: refusal } });
        return;
      }
      req.actor = actor;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Property staff of the given roles (the console's exports and queue dashboard). */
export const requireStaff = (deps: AppDeps, roles: PropertyActor['role'][]) =>
  requireSession(
    deps,
    (a) => isPropertyStaff(a) && roles.includes(a.role),
    'Only property staff may do this',
  );

/** A merchant's owner (the merchant's money). */
export const requireMerchantOwner = (deps: AppDeps) =>
  requireSession(
    deps,
    (a) => isMerchantStaff(a) && a.merchantRole === 'owner',
    "Only the merchant's owner may do this",
  );

/** The actor `requireStaff` let through; a route that forgot the guard fails loudly. */
export function propertyActorOf(req: Request): PropertyActor {
  if (!req.actor || !isPropertyStaff(req.actor))
    throw new Error('route is not behind requireStaff');
  return req.actor;
}

/** The actor `requireMerchantOwner` let through. */
export function merchantActorOf(req: Request): MerchantActor {
  if (!req.actor || !isMerchantStaff(req.actor)) {
    throw new Error('route is not behind requireMerchantOwner');
  }
  return req.actor;
}

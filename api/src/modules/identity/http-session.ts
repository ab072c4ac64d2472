import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../deps';
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

function tokenOf(req: Request): string | null {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE] ?? null;
}

/**
 * Guards a plain HTTP route beside tRPC (CSV exports, the queue dashboard) with the same session
 * as tRPC, cookie or Bearer: 401 without a valid session, 403 for anyone `allowed` refuses.
 */
export function requireSession(deps: AppDeps, allowed: (actor: Actor) => boolean, refusal: string) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = tokenOf(req);
      const actor = token ? await resolveSession(deps.db, token) : null;
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

import { parse as parseCookies } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import { isPropertyStaff, type PropertyActor } from '../identity/actor';
import { resolveSession, SESSION_COOKIE } from '../identity/session.service';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `requireStaff` on the console's plain HTTP routes. */
    propertyActor?: PropertyActor;
  }
}

function tokenOf(req: Request): string | null {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE] ?? null;
}

/**
 * Guards the console's non-tRPC routes (CSV exports, the queue dashboard) with the same session
 * as tRPC, cookie or Bearer: 401 without a valid session, 403 for anyone but the allowed roles.
 */
export function requireStaff(deps: AppDeps, roles: PropertyActor['role'][]) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = tokenOf(req);
      const actor = token ? await resolveSession(deps.db, token) : null;
      if (!actor) {
        res.status(401).json({ error: { message: 'Please sign in first' } });
        return;
      }
      if (!isPropertyStaff(actor) || !roles.includes(actor.role)) {
        res.status(403).json({ error: { message: 'Only property staff may do this' } });
        return;
      }
      req.propertyActor = actor;
      next();
    } catch (error) {
      next(error);
    }
  };
}

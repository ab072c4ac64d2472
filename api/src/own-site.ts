import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * CSRF defence for what a browser sends with the session cookie. SameSite=Lax alone lets a
 * same-site page (a sibling subdomain, another port on the host) post with the cookie, so a
 * request that changes state must also show it came from our own origin: `Sec-Fetch-Site:
 * same-origin` (every current browser sends it), or failing that an `Origin` that is ours.
 */
export function isOwnSiteRequest(req: Request, publicUrl: string): boolean {
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite) return fetchSite === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  return origin === new URL(publicUrl).origin || origin === `${req.protocol}://${req.get('host')}`;
}

/**
 * Whether a navigation the browser made (a link to a CSV, say) may run: anything but another
 * site's or a sibling's page asking. A typed or bookmarked URL (`none`) is the user's own act.
 */
export function isOwnSiteNavigation(req: Request, publicUrl: string): boolean {
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite) return fetchSite === 'same-origin' || fetchSite === 'none';
  return !req.get('origin') || isOwnSiteRequest(req, publicUrl);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a cookie-authenticated request passes the origin check for its method. */
export function passesOriginCheck(req: Request, publicUrl: string): boolean {
  return SAFE_METHODS.has(req.method)
    ? isOwnSiteNavigation(req, publicUrl)
    : isOwnSiteRequest(req, publicUrl);
}

export const ORIGIN_REFUSAL =
  'This request did not come from this site; reload the page and try again';

/** Whether the request is authenticated by the session cookie rather than a Bearer token. */
export const usesCookieSession = (req: Request, cookieName: string): boolean =>
  !/^Bearer\s/i.test(req.get('authorization') ?? '') &&
  (req.get('cookie') ?? '').includes(`${cookieName}=`);

/**
 * Guards `/trpc`: every POST must be `application/json` (tRPC also reads form and binary bodies,
 * which a cross-site form can send without a preflight), and a POST carrying the session cookie
 * must come from our own origin.
 */
export function trpcRequestGuard(publicUrl: string, cookieName: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const type = (req.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      res.status(415).json({
        error: {
          message: 'Requests must be sent as application/json',
          code: 'UNSUPPORTED_MEDIA_TYPE',
        },
      });
      return;
    }
    if (usesCookieSession(req, cookieName) && !isOwnSiteRequest(req, publicUrl)) {
      res.status(403).json({ error: { message: ORIGIN_REFUSAL, code: 'FORBIDDEN' } });
      return;
    }
    next();
  };
}

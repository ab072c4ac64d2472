import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import { parse as parseCookies } from 'cookie';
import type { AppDeps } from './deps';
import type { Actor } from './modules/identity/actor';
import { resolveSession, SESSION_COOKIE } from './modules/identity/session.service';

/** How a procedure sets or clears the session cookie, whatever transport carries the call. */
export interface SessionCookieJar {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

const noCookies: SessionCookieJar = { set: () => undefined, clear: () => undefined };

export interface ContextOptions {
  deps: AppDeps;
  token?: string | null;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  cookies?: SessionCookieJar;
}

/** The context without HTTP: tests build it directly and call procedures through `createCaller`. */
export async function createContextInner(opts: ContextOptions) {
  const token = opts.token ?? null;
  let actor: Actor | null = null;
  let sessionError: unknown;
  try {
    actor = token ? await resolveSession(opts.deps.db, token) : null;
  } catch (error) {
    // Raised inside the procedure instead, so it is logged and answered like any other failure.
    sessionError = error;
  }
  return {
    ...opts.deps,
    actor,
    sessionError,
    token: actor ? token : null,
    ip: opts.ip ?? '127.0.0.1',
    userAgent: opts.userAgent ?? '',
    requestId: opts.requestId ?? '',
    cookies: opts.cookies ?? noCookies,
  };
}

export type Context = Awaited<ReturnType<typeof createContextInner>>;

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/** pino-http stores the request id it chose on the request. */
function requestIdOf(req: object): string {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

export function createExpressContext(deps: AppDeps) {
  const secure = deps.env.PUBLIC_URL.startsWith('https:');
  return ({ req, res }: CreateExpressContextOptions) => {
    const cookies = parseCookies(req.headers.cookie ?? '');
    const cookieOptions = {
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: secure || req.secure,
      path: '/',
    };
    return createContextInner({
      deps,
      token: bearerToken(req.headers.authorization) ?? cookies[SESSION_COOKIE] ?? null,
      ip: req.ip ?? req.socket.remoteAddress ?? '',
      userAgent: req.get('user-agent') ?? '',
      requestId: requestIdOf(req),
      cookies: {
        set: (token, expiresAt) =>
          res.cookie(SESSION_COOKIE, token, { ...cookieOptions, expires: expiresAt }),
        clear: () => res.clearCookie(SESSION_COOKIE, cookieOptions),
      },
    });
  };
}

import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

/**
 * Errors the services throw. `reason` is a stable machine-readable word that the apps translate;
 * `message` is a clear English sentence for logs and API clients.
 */
export class DomainError extends Error {
  constructor(
    readonly code: TRPC_ERROR_CODE_KEY,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
    // An expected outcome, not a bug: skip formatting a stack trace nobody reads.
    Object.defineProperty(this, 'stack', { value: `${this.name}: ${message}`, writable: true });
  }
}

export class NotFound extends DomainError {
  constructor(what: string, reason = 'not_found') {
    super('NOT_FOUND', reason, `${what} was not found`);
  }
}

export class Conflict extends DomainError {
  constructor(reason: string, message: string, details?: Record<string, unknown>) {
    super('CONFLICT', reason, message, details);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You are not allowed to do this', reason = 'forbidden') {
    super('FORBIDDEN', reason, message);
  }
}

export class Unauthorized extends DomainError {
  constructor(reason: string, message: string) {
    super('UNAUTHORIZED', reason, message);
  }
}

export class BadRequest extends DomainError {
  constructor(reason: string, message: string, details?: Record<string, unknown>) {
    super('BAD_REQUEST', reason, message, details);
  }
}

export class TooManyRequests extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'TOO_MANY_REQUESTS',
      'rate_limited',
      `Too many attempts; try again in ${retryAfterSeconds} seconds`,
      { retryAfterSeconds },
    );
  }
}

/** PostgreSQL error codes that mean the request, not the server, is wrong. */
const PG_CLIENT_ERRORS: Record<
  string,
  { code: TRPC_ERROR_CODE_KEY; reason: string; message: string }
> = {
  '23505': { code: 'CONFLICT', reason: 'duplicate', message: 'This already exists' },
  '23514': {
    code: 'CONFLICT',
    reason: 'constraint',
    message: 'This change breaks a rule of the data',
  },
  '23503': {
    code: 'BAD_REQUEST',
    reason: 'reference',
    message: 'A referenced record does not exist',
  },
  '22P02': {
    code: 'BAD_REQUEST',
    reason: 'invalid_value',
    message: 'A value has the wrong format',
  },
  '22003': { code: 'BAD_REQUEST', reason: 'out_of_range', message: 'A number is out of range' },
  '22007': { code: 'BAD_REQUEST', reason: 'invalid_value', message: 'A date has the wrong format' },
  '22008': { code: 'BAD_REQUEST', reason: 'out_of_range', message: 'A date is out of range' },
  '40001': {
    code: 'CONFLICT',
    reason: 'retry',
    message: 'Another change got there first; try again',
  },
};

/** What a client sees of a failure that is ours, not theirs: nothing but the id to quote. */
export function internalErrorMessage(requestId?: string): string {
  return requestId
    ? `Something went wrong on our side; please try again (request id ${requestId})`
    : 'Something went wrong on our side; please try again';
}

/** PostgreSQL's class 22 (data exception) that has no entry above: the value sent was unusable. */
const PG_DATA_EXCEPTION = {
  code: 'BAD_REQUEST',
  reason: 'invalid_value',
  message:
    'A value is not acceptable (text with a NUL character, or a number or date out of range)',
} as const;

/** The PostgreSQL error inside `error` (drizzle wraps the driver's error as its cause), if any. */
function pgErrorOf(error: unknown): { code: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return current as { code: string; constraint?: string };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const pgCode = (error: unknown) => pgErrorOf(error)?.code;

/** Whether `error` is PostgreSQL refusing a duplicate under the named unique constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pg = pgErrorOf(error);
  return pg?.code === '23505' && pg.constraint === constraint;
}

/** The one place that turns a thrown error into the tRPC error the client sees. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof DomainError) {
    return new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  const code = pgCode(cause);
  const mapped = code
    ? (PG_CLIENT_ERRORS[code] ?? (code.startsWith('22') ? PG_DATA_EXCEPTION : undefined))
    : undefined;
  if (mapped) {
    return new TRPCError({
      code: mapped.code,
      message: mapped.message,
      cause: new DomainError(mapped.code, mapped.reason, mapped.message),
    });
  }
  return undefined;
}

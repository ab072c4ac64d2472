import { createHash } from 'node:crypto';
import { invalidRequest, SandboxError } from './errors';
import type { Queryable } from './store';

export interface IdempotentRequest {
  apiKeyHash: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  requestId: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  requestId: string;
}

/** Keys scope results per API key, as Stripe's do; the key itself is never stored. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** Same parameters in any order give the same fingerprint; anything else differs. */
export function fingerprintParams(params: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(params)))
    .digest('hex');
}

/**
 * Claims `key` inside the caller's transaction, so the claim and the state change it guards commit
 * or roll back together. While one request holds a key, a concurrent one with the same key gets
 * Stripe's 409 `idempotency_key_in_use` (the SDK retries it, then sees the stored response).
 * Returns that response when the key was used before with the same request; throws Stripe's
 * `idempotency_error` when it was used for a different one.
 */
function keyInUse(key: string): SandboxError {
  return new SandboxError(
    409,
    'invalid_request_error',
    `There is currently another in-progress request using this idempotency key ('${key}'). Try again later.`,
    { code: 'idempotency_key_in_use' },
  );
}

export async function claimIdempotencyKey(
  tx: Queryable,
  request: IdempotentRequest,
): Promise<StoredResponse | null> {
  if (request.key.length > 255) {
    throw invalidRequest('Idempotency keys can be at most 255 characters long.', {
      param: 'Idempotency-Key',
    });
  }
  const { rows: locked } = await tx.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS ok',
    [request.apiKeyHash, request.key],
  );
  if (!locked[0]?.ok) throw keyInUse(request.key);
  const inserted = await tx.query(
    `INSERT INTO stripe_sandbox.idempotency_keys
       (api_key_hash, key, method, path, fingerprint, request_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING`,
    [
      request.apiKeyHash,
      request.key,
      request.method,
      request.path,
      request.fingerprint,
      request.requestId,
    ],
  );
  if (inserted.rowCount === 1) return null;

  const { rows } = await tx.query<{
    method: string;
    path: string;
    fingerprint: string;
    request_id: string;
    status: number;
    body: unknown;
  }>(
    `SELECT method, path, fingerprint, request_id, status, body FROM stripe_sandbox.idempotency_keys
      WHERE api_key_hash = $1 AND key = $2`,
    [request.apiKeyHash, request.key],
  );
  const stored = rows[0]!;
  if (stored.method !== request.method || stored.path !== request.path) {
    throw new SandboxError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${stored.method} ${stored.path}'). Try using a key other than '${request.key}' if you meant to execute a different request.`,
    );
  }
  if (stored.fingerprint !== request.fingerprint) {
    throw new SandboxError(
      400,
      'idempotency_error',
      `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${request.key}' if you meant to execute a different request.`,
    );
  }
  return { status: stored.status, body: stored.body, requestId: stored.request_id };
}

export async function recordIdempotentResponse(
  tx: Queryable,
  request: IdempotentRequest,
  status: number,
  body: unknown,
): Promise<void> {
  await tx.query(
    `UPDATE stripe_sandbox.idempotency_keys SET status = $3, body = $4
      WHERE api_key_hash = $1 AND key = $2`,
    [request.apiKeyHash, request.key, status, JSON.stringify(body)],
  );
}

/** Stripe forgets keys after 24 hours; so does the sandbox, so the table does not grow forever. */
export async function pruneIdempotencyKeys(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM stripe_sandbox.idempotency_keys WHERE created_at < now() - interval '24 hours'`,
  );
}

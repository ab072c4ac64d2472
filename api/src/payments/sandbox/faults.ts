import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { SandboxError } from './errors';
import { newId } from './ids';

/**
 * - `server_error`: answer 500 `api_error` before doing anything (the SDK retries it).
 * - `rate_limit`: answer 429 before doing anything, with `Stripe-Should-Retry: true` as Stripe
 *   sends on lock contention, so the SDK retries it too.
 * - `drop_after_commit`: do the work and commit it, then cut the connection instead of answering:
 *   the client cannot know whether the change happened and must retry with the same idempotency key.
 */
export const FAULT_KINDS = ['server_error', 'rate_limit', 'drop_after_commit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** HTTP method to match; any when omitted. */
  method?: string;
  /** Exact path, or a pattern where `*` matches any run of characters: `/v1/transfers*`. */
  path: string | RegExp;
  /** How many matching requests get the fault; 1 by default. */
  times?: number;
}

export interface ActiveFault {
  id: string;
  kind: FaultKind;
  method: string | null;
  path: string;
  remaining: number;
}

interface Entry extends ActiveFault {
  pattern: RegExp;
}

function toPattern(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  const escaped = path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export const faultRuleSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  method: z.string().min(1).optional(),
  path: z.string().min(1),
  times: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Faults held in memory by one sandbox instance: a test arms them, the next matching requests trip. */
export class FaultInjector {
  private entries: Entry[] = [];

  /** Arms a fault for the next `times` requests matching method and path. */
  inject(rule: FaultRule): ActiveFault {
    const entry: Entry = {
      id: newId('fault', 12),
      kind: rule.kind,
      method: rule.method?.toUpperCase() ?? null,
      path: String(rule.path),
      remaining: rule.times ?? 1,
      pattern: toPattern(rule.path),
    };
    this.entries.push(entry);
    return this.describe(entry);
  }

  list(): ActiveFault[] {
    return this.entries.map((e) => this.describe(e));
  }

  clear(): void {
    this.entries = [];
  }

  /** Express middleware that trips the first armed fault matching the request. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const entry = this.take(req.method, req.path);
    if (!entry) return next();
    if (entry.kind === 'server_error') {
      res
        .status(500)
        .json(
          new SandboxError(500, 'api_error', 'Injected fault: internal server error.').toBody(),
        );
      return;
    }
    if (entry.kind === 'rate_limit') {
      res.setHeader('Stripe-Should-Retry', 'true');
      const error = new SandboxError(
        429,
        'rate_limit_error',
        'Injected fault: too many requests.',
        {
          code: 'rate_limit',
        },
      );
      res.status(429).json(error.toBody());
      return;
    }
    // Every answer goes out through res.end, which runs only after the handler committed.
    res.end = (() => {
      req.socket.destroy();
      return res;
    }) as Response['end'];
    next();
  };

  private take(method: string, path: string): Entry | undefined {
    const entry = this.entries.find(
      (e) => (e.method === null || e.method === method) && e.pattern.test(path),
    );
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
    return entry;
  }

  private describe({ pattern: _pattern, ...fault }: Entry): ActiveFault {
    return { ...fault };
  }
}

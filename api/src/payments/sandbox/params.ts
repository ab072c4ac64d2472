import qs from 'qs';
import { z } from 'zod';
import { invalidRequest, type SandboxError } from './errors';

/**
 * Parses Stripe's form encoding (`metadata[order_id]=1`, `line_items[0][price_data][unit_amount]=500`,
 * `expand[]=x`). The limits are wider than qs's defaults, which would turn a 21st line item into an
 * object keyed by index, yet still bound how much one request can make the parser do.
 */
export function parseForm(text: string): Record<string, unknown> {
  return qs.parse(text, {
    depth: 8,
    arrayLimit: 250,
    parameterLimit: 2000,
    allowPrototypes: false,
  });
}

/** Stripe's bracket notation for a path, as it names parameters in errors: `line_items[0][quantity]`. */
function paramName(path: PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return head === undefined ? '' : head + rest.map((p) => `[${p}]`).join('');
}

function toStripeError(issue: z.core.$ZodIssue): SandboxError {
  const param = paramName(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const unknown = paramName([...issue.path, issue.keys[0] ?? '']);
    return invalidRequest(`Received unknown parameter: ${unknown}`, {
      code: 'parameter_unknown',
      param: unknown,
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return invalidRequest(`Missing required param: ${param}.`, {
      code: 'parameter_missing',
      param,
    });
  }
  const code =
    issue.code === 'custom' && typeof issue.params?.code === 'string'
      ? issue.params.code
      : 'parameter_invalid';
  const message = issue.code === 'custom' ? issue.message : `Invalid ${param}: ${issue.message}`;
  return invalidRequest(message, { code, param });
}

/** Validates parsed parameters; the first problem becomes Stripe's 400 naming the parameter. */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  // Like Stripe, name a parameter the endpoint does not know before one that is missing.
  const issues = result.error.issues;
  throw toStripeError(issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!);
}

/** A form integer (forms carry only strings), within Stripe's bounds for amounts by default. */
export function intParam(options: { min?: number; max?: number } = {}) {
  const { min = 0, max = 99_999_999 } = options;
  return z
    .string()
    .refine((v) => /^-?\d+$/.test(v), {
      error: (issue) => `Invalid integer: ${String(issue.input)}`,
      params: { code: 'parameter_invalid_integer' },
    })
    .transform(Number)
    .refine((n) => n >= min && n <= max, {
      error: (issue) => `This value must be between ${min} and ${max}; got ${String(issue.input)}.`,
      params: { code: 'parameter_invalid_integer' },
    });
}

/** A form timestamp in Unix seconds. */
export const timestampParam = intParam({ min: 0, max: 2 ** 31 });

export const nonEmpty = z.string().min(1);

/**
 * Metadata with Stripe's limits. An empty string stands for "no metadata", as when the SDK is
 * given `metadata: ''` to clear it.
 */
export const metadataParam = z
  .union([
    z.literal('').transform(() => ({})),
    z
      .record(z.string().max(40), z.string().max(500))
      .refine((m) => Object.keys(m).length <= 50, { message: 'at most 50 keys' }),
  ])
  .optional();

export const expandParam = z.array(z.string()).max(20).optional();

export const currencyParam = z
  .string()
  .transform((c) => c.toLowerCase())
  .refine((c) => c === 'cny', {
    error: (issue) => `Invalid currency: ${String(issue.input)}. The sandbox settles only in CNY.`,
    params: { code: 'parameter_invalid' },
  });

export const listParams = {
  limit: intParam({ min: 1, max: 100 }).optional(),
  starting_after: nonEmpty.optional(),
  ending_before: nonEmpty.optional(),
  expand: expandParam,
};

export type StripeErrorType =
  'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error' | 'rate_limit_error';

/** The body Stripe answers errors with; the SDK picks its error class from `type` and the status. */
export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    message: string;
    code?: string;
    param?: string;
    decline_code?: string;
    doc_url?: string;
  };
}

interface ErrorDetails {
  code?: string;
  param?: string;
  declineCode?: string;
}

/** A refusal the sandbox answers the way Stripe would; anything else thrown becomes a 500. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'SandboxError';
  }

  toBody(): StripeErrorBody {
    const { code, param, declineCode } = this.details;
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(code && {
          code,
          doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
        }),
        ...(param && { param }),
        ...(declineCode && { decline_code: declineCode }),
      },
    };
  }
}

export function invalidRequest(message: string, details: ErrorDetails = {}): SandboxError {
  return new SandboxError(400, 'invalid_request_error', message, details);
}

export function resourceMissing(objectName: string, id: string, param = 'id'): SandboxError {
  return new SandboxError(404, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    code: 'resource_missing',
    param,
  });
}

export function unauthorized(message: string): SandboxError {
  return new SandboxError(401, 'invalid_request_error', message);
}

export function internalError(): SandboxError {
  return new SandboxError(
    500,
    'api_error',
    'An unknown error occurred. The sandbox logged the cause; retrying with the same idempotency key is safe.',
  );
}

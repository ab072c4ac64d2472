/**
 * Refusals no retry can change: a bad request (nothing left to refund, an unknown session), a
 * declined card, an idempotency key reused with other parameters. Rate limits, conflicts, 5xx and
 * network errors are not among them. Read from Stripe's own error type, so this module does not
 * load the SDK.
 */
export function isProcessorRefusal(error: unknown): error is Error & { rawType: string } {
  const rawType = (error as { rawType?: unknown } | null)?.rawType;
  return (
    rawType === 'invalid_request_error' ||
    rawType === 'card_error' ||
    rawType === 'idempotency_error'
  );
}

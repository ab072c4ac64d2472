/**
 * Refusals no retry can change: a bad request (nothing left to refund, an unknown session), a
 * declined card, an idempotency key reused with other parameters. Rate limits, conflicts (409), 5xx and
 * network errors are not among them. Read from Stripe's own error type, so this module does not
 * load the SDK.
 */
export function isProcessorRefusal(error: unknown): error is Error & { rawType: string } {
  const { rawType, statusCode } = (error ?? {}) as { rawType?: unknown; statusCode?: unknown };
  // 409 (`idempotency_key_in_use`): another request with the key is still running; try again.
  if (statusCode === 409) return false;
  return (
    rawType === 'invalid_request_error' ||
    rawType === 'card_error' ||
    rawType === 'idempotency_error'
  );
}

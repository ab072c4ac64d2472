/** What the processor says about a payment, from the event and the PaymentIntent behind it. */
export interface PaymentReport {
  /** Every amount the reports carry (the session's total, the intent's amount received). */
  amountsFen: number[];
  currencies: string[];
  /** The connected account the event came from; null for the platform's own account. */
  account: string | null;
}

export type PaymentMismatchKind = 'payment_amount' | 'payment_currency' | 'payment_account';

export interface PaymentMismatch {
  kind: PaymentMismatchKind;
  expected: string;
  actual: string;
}

/**
 * Compares a reported payment with the order it claims to pay (SPEC §5): the whole total, in CNY,
 * into the platform's own account. Any difference is a finding, never a payment.
 */
export function paymentMismatches(
  order: { totalFen: number },
  report: PaymentReport,
): PaymentMismatch[] {
  const found: PaymentMismatch[] = [];
  const wrongAmount = report.amountsFen.find((a) => a !== order.totalFen);
  if (wrongAmount !== undefined || report.amountsFen.length === 0) {
    found.push({
      kind: 'payment_amount',
      expected: String(order.totalFen),
      actual: String(wrongAmount ?? 'none'),
    });
  }
  const wrongCurrency = report.currencies.find((c) => c.toLowerCase() !== 'cny');
  if (wrongCurrency !== undefined) {
    found.push({ kind: 'payment_currency', expected: 'cny', actual: wrongCurrency });
  }
  if (report.account !== null) {
    found.push({ kind: 'payment_account', expected: 'platform', actual: report.account });
  }
  return found;
}

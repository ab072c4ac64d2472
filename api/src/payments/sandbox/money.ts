import { invalidRequest } from './errors';

/** `12345` fen → `¥123.45`, in integer arithmetic so no float ever touches an amount. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Stripe's minimum charge per currency, in minor units. CNY is not in Stripe's published table;
 * there the minimum is what US$0.50 comes to in the settlement currency, taken here as ¥4.00.
 */
export const MINIMUM_CHARGE: Record<string, number> = { cny: 400 };

/** Refuses a payment below the currency's minimum, as Stripe does (`amount_too_small`). */
export function assertChargeable(amount: number, currency: string): void {
  const minimum = MINIMUM_CHARGE[currency] ?? 50;
  if (amount < minimum) {
    throw invalidRequest(
      `The Checkout Session's total amount due must add up to at least ${formatYuan(minimum)} ${currency}.`,
      { code: 'amount_too_small', param: 'line_items' },
    );
  }
}

import { describe, expect, it } from 'vitest';
import { paymentMismatches } from './payment-checks';

const order = { totalFen: 39_900 };
const exact = { amountsFen: [39_900, 39_900], currencies: ['cny', 'CNY'], account: null };

describe('paymentMismatches', () => {
  it('accepts the whole total in CNY into the platform account', () => {
    expect(paymentMismatches(order, exact)).toEqual([]);
  });

  it('names every difference, with both figures', () => {
    expect(
      paymentMismatches(order, { amountsFen: [1, 39_900], currencies: ['usd'], account: 'acct_1' }),
    ).toEqual([
      { kind: 'payment_amount', expected: '39900', actual: '1' },
      { kind: 'payment_currency', expected: 'cny', actual: 'usd' },
      { kind: 'payment_account', expected: 'platform', actual: 'acct_1' },
    ]);
  });

  it('treats a report without any amount as a mismatch, not as agreement', () => {
    expect(paymentMismatches(order, { ...exact, amountsFen: [] })).toEqual([
      { kind: 'payment_amount', expected: '39900', actual: 'none' },
    ]);
  });
});

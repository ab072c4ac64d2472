/** Ledger accounts (SPEC §4). Balances are sums of signed postings, debit positive. */
export const ACCOUNTS = {
  cash: 'cash:stripe',
  escrow: 'escrow:order',
  revenue: 'revenue:platform',
  /**
   * Refunds decided but not yet confirmed by the processor: the amount has left escrow (or the
   * shares) and waits here until the refund is posted (then it leaves `cash:stripe`) or voided.
   */
  refundsPending: 'clearing:refunds',
  payable: (merchantId: string) => `payable:merchant:${merchantId}`,
} as const;

export const PAYABLE_PREFIX = 'payable:merchant:';

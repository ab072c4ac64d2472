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
  /** Payouts decided but not yet confirmed by the processor (the two-phase payout's reservation). */
  payoutsPending: 'clearing:payouts',
  /** A disputed charge's amount while the dispute is open: held from the merchant's share. */
  disputesHeld: 'clearing:disputes',
  /** What the processor keeps: charge fees and dispute fees, the platform's expense. */
  processorFees: 'expense:processor_fees',
  payable: (merchantId: string) => `payable:merchant:${merchantId}`,
} as const;

export const PAYABLE_PREFIX = 'payable:merchant:';

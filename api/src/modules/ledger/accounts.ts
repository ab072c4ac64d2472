/** Ledger accounts (SPEC §4). Balances are sums of signed postings, debit positive. */
export const ACCOUNTS = {
  cash: 'cash:stripe',
  escrow: 'escrow:order',
  revenue: 'revenue:platform',
  payable: (merchantId: string) => `payable:merchant:${merchantId}`,
} as const;

export const PAYABLE_PREFIX = 'payable:merchant:';

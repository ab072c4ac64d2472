import { ACCOUNTS } from './accounts';
import type { PostingLine } from './post';

/** A processor balance transaction as the ledger books it: its id and what the processor kept. */
export interface ProcessorMoney {
  /** The `txn_…` the entry books (journal_entries.processor_object_id). */
  balanceTransactionId: string;
  /** The balance transaction's fee, in fen: the platform's expense. */
  feeFen: number;
}

/**
 * The `cash:stripe` side of an entry that books one balance transaction of `grossFen` (signed:
 * money in positive): cash moves by the net (gross − fee) and the fee is the platform's expense,
 * so the lines sum to the gross and `cash:stripe` follows the processor's balance to the fen.
 * Without a balance transaction (money booked before fees were read) the gross is the cash.
 */
export function processorCashLines(grossFen: number, money: ProcessorMoney | null): PostingLine[] {
  const feeFen = money?.feeFen ?? 0;
  return [
    { account: ACCOUNTS.cash, amountFen: grossFen - feeFen },
    { account: ACCOUNTS.processorFees, amountFen: feeFen },
  ];
}

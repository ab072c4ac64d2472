import { journalEntries, type journalKind, ledgerPostings, type Tx } from '@cgp/db';

export interface PostingLine {
  account: string;
  /** Signed fen: debit positive, credit negative. */
  amountFen: number;
  merchantId?: string;
}

export interface EntryInput {
  kind: (typeof journalKind.enumValues)[number];
  /** The business event this entry records; posting it a second time changes nothing. */
  idempotencyKey: string;
  orderId?: string;
  refundId?: string;
  statementId?: string;
  memo?: string;
  /** The processor balance transaction (txn_…) this entry books (see journal_entries.processor_object_id). */
  processorObjectId?: string;
  /** `pending` reserves money the processor must still move; `single` (the default) is final. */
  phase?: 'single' | 'pending';
  /**
   * When the business event happened, if not now: the entry and its postings carry it, so reports
   * by day and month place money booked later (the demo's history) on its own day.
   */
  at?: Date;
  lines: PostingLine[];
}

/**
 * The only way money enters the ledger: one balanced journal entry, inside the caller's
 * transaction. Returns false when the entry was already posted. The database also refuses an
 * unbalanced entry at commit, and any UPDATE or DELETE of the ledger.
 */
export async function postEntry(tx: Tx, entry: EntryInput): Promise<boolean> {
  return (await insertEntry(tx, entry)) !== null;
}

/** `postEntry`, with the new entry's id (null when it was already posted or moved nothing). */
export async function insertEntry(
  tx: Tx,
  entry: Omit<EntryInput, 'phase'> & {
    phase?: 'single' | 'pending' | 'post' | 'void';
    pendingEntryId?: string;
  },
): Promise<string | null> {
  const lines = entry.lines.filter((l) => l.amountFen !== 0);
  const sum = lines.reduce((s, l) => s + l.amountFen, 0);
  if (lines.some((l) => !Number.isSafeInteger(l.amountFen))) {
    throw new Error(`Ledger amounts must be integer fen (${entry.idempotencyKey})`);
  }
  if (sum !== 0) throw new Error(`Journal entry ${entry.idempotencyKey} does not balance: ${sum}`);
  if (lines.length === 0) return null; // nothing moved (a zero refund, a zero payout)

  const [row] = await tx
    .insert(journalEntries)
    .values({
      kind: entry.kind,
      idempotencyKey: entry.idempotencyKey,
      orderId: entry.orderId,
      refundId: entry.refundId,
      statementId: entry.statementId,
      memo: entry.memo ?? '',
      phase: entry.phase ?? 'single',
      pendingEntryId: entry.pendingEntryId,
      processorObjectId: entry.processorObjectId,
      ...(entry.at && { createdAt: entry.at }),
    })
    .onConflictDoNothing({ target: journalEntries.idempotencyKey })
    .returning({ id: journalEntries.id });
  if (!row) return null;
  await tx.insert(ledgerPostings).values(
    lines.map((l) => ({
      entryId: row.id,
      account: l.account,
      amountFen: l.amountFen,
      orderId: entry.orderId,
      merchantId: l.merchantId,
      refundId: entry.refundId,
      statementId: entry.statementId,
      ...(entry.at && { createdAt: entry.at }),
    })),
  );
  return row.id;
}

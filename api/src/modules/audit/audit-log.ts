import { auditLog, type DbOrTx } from '@cgp/db';
import type { Actor } from '../identity/actor';

/**
 * Writes one audit-log row in the caller's transaction, so the record and the change it describes
 * commit together or not at all.
 */
export async function recordAudit(
  tx: DbOrTx,
  entry: {
    actor: Actor | null;
    action: string;
    subjectType: string;
    subjectId: string;
    before?: unknown;
    after?: unknown;
    companyId?: string | null;
  },
): Promise<void> {
  await tx.insert(auditLog).values({
    companyId: entry.companyId ?? entry.actor?.companyId ?? null,
    actorId: entry.actor?.id ?? null,
    actorRole: entry.actor?.role ?? 'system',
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity';
import { propertyCompanies } from './tenancy';

/**
 * Every money- or permission-affecting action: who, what, on what, before and after. Append-only
 * (a trigger refuses UPDATE and DELETE), like the ledger.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    companyId: uuid('company_id').references(() => propertyCompanies.id),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    /** e.g. settlement.runNow, commission.create, ops.resolveDispute, merchant.suspend */
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_company_at_idx').on(t.companyId, t.at),
    index('audit_log_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

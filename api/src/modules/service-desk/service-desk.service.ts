import { communities, propertyCompanies, type Db, type DbOrTx } from '@cgp/db';
import { eq } from 'drizzle-orm';
import { NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { PropertyActor, ResidentActor } from '../identity/actor';
import type { ServiceDeskInput } from './service-desk.schema';

/** The desk as the apps see it: null until ops have set it. */
export type ServiceDesk = { phone: string; hours: string } | null;

const deskOf = (row: { phone: string | null; hours: string | null } | undefined): ServiceDesk =>
  row?.phone ? { phone: row.phone, hours: row.hours ?? '' } : null;

async function deskOfCompany(db: DbOrTx, companyId: string): Promise<ServiceDesk> {
  const [row] = await db
    .select({
      phone: propertyCompanies.serviceDeskPhone,
      hours: propertyCompanies.serviceDeskHours,
    })
    .from(propertyCompanies)
    .where(eq(propertyCompanies.id, companyId));
  return deskOf(row);
}

/** `me.serviceDesk`: the desk of the company that runs the resident's community. */
export async function residentServiceDesk(db: Db, actor: ResidentActor): Promise<ServiceDesk> {
  const [row] = await db
    .select({
      phone: propertyCompanies.serviceDeskPhone,
      hours: propertyCompanies.serviceDeskHours,
    })
    .from(communities)
    .innerJoin(propertyCompanies, eq(propertyCompanies.id, communities.companyId))
    .where(eq(communities.id, actor.communityId));
  return deskOf(row);
}

/** `console.serviceDesk.get`: the staff member's own company's desk. */
export function companyServiceDesk(db: Db, actor: PropertyActor): Promise<ServiceDesk> {
  return deskOfCompany(db, actor.companyId);
}

/**
 * `console.serviceDesk.set` (property_ops): the company's desk phone and hours, with the audit
 * record of what it was before, in one transaction.
 */
export function setServiceDesk(
  db: Db,
  actor: PropertyActor,
  input: ServiceDeskInput,
): Promise<ServiceDesk> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({
        phone: propertyCompanies.serviceDeskPhone,
        hours: propertyCompanies.serviceDeskHours,
      })
      .from(propertyCompanies)
      .where(eq(propertyCompanies.id, actor.companyId))
      .for('update');
    if (!before) throw new NotFound('Property company');
    await tx
      .update(propertyCompanies)
      .set({ serviceDeskPhone: input.phone, serviceDeskHours: input.hours })
      .where(eq(propertyCompanies.id, actor.companyId));
    await recordAudit(tx, {
      actor,
      action: 'serviceDesk.set',
      subjectType: 'property_company',
      subjectId: actor.companyId,
      before: deskOf(before),
      after: { phone: input.phone, hours: input.hours },
    });
    return { phone: input.phone, hours: input.hours };
  });
}

import { communities, merchants, serviceCommunities, services, type DbOrTx } from '@cgp/db';
import { and, eq, exists, sql, type SQL } from 'drizzle-orm';
import { Forbidden } from '../../errors';
import type { Actor } from '../identity/actor';

/**
 * Which services an actor may see in the catalog:
 * residents — active services of approved merchants offered in their own community;
 * merchant staff — their own merchant's services; property staff — services offered in
 * their company's communities.
 */
export function visibleServices(db: DbOrTx, actor: Actor, communityId?: string): SQL {
  switch (actor.role) {
    case 'resident': {
      if (communityId && communityId !== actor.communityId) {
        throw new Forbidden('Residents can only browse their own community', 'other_community');
      }
      return and(
        eq(services.active, true),
        eq(merchants.status, 'approved'),
        offeredIn(db, sql`${actor.communityId}::uuid`),
      )!;
    }
    case 'merchant_staff':
      return and(
        eq(services.merchantId, sql`${actor.merchantId}::uuid`),
        communityId ? offeredIn(db, sql`${communityId}::uuid`) : undefined,
      )!;
    case 'property_auditor':
    case 'property_ops':
      return exists(
        db
          .select({ one: sql`1` })
          .from(serviceCommunities)
          .innerJoin(communities, eq(communities.id, serviceCommunities.communityId))
          .where(
            and(
              eq(serviceCommunities.serviceId, services.id),
              eq(communities.companyId, sql`${actor.companyId}::uuid`),
              communityId ? eq(communities.id, sql`${communityId}::uuid`) : undefined,
            ),
          ),
      );
  }
}

function offeredIn(db: DbOrTx, communityId: SQL): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(serviceCommunities)
      .where(
        and(
          eq(serviceCommunities.serviceId, services.id),
          eq(serviceCommunities.communityId, communityId),
        ),
      ),
  );
}

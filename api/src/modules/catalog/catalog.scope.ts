import { communities, merchants, serviceCommunities, services, type DbOrTx } from '@cgp/db';
import { and, eq, exists, sql, type SQL } from 'drizzle-orm';
import { Forbidden } from '../../errors';
import type { Actor } from '../identity/actor';

/**
 * Which services an actor may see in the catalog:
 * residents — active services of approved merchants offered in their own community;
 * merchant staff — their own merchant's services; property staff — services offered in
 * their company's communities. Either of the last two may narrow it to one community.
 *
 * The scope is a shape (which condition) and the values for its placeholders, so catalog reads
 * can be prepared statements: `scopeId` (community, merchant or company) and `communityId`.
 */
export interface ServiceScope {
  shape: 'resident' | 'merchant' | 'merchant_in' | 'property' | 'property_in';
  values: { scopeId: string | null; communityId?: string };
}

export function serviceScope(actor: Actor, communityId?: string): ServiceScope {
  switch (actor.role) {
    case 'resident':
      if (communityId && communityId !== actor.communityId) {
        throw new Forbidden('Residents can only browse their own community', 'other_community');
      }
      return { shape: 'resident', values: { scopeId: actor.communityId } };
    case 'merchant_staff':
      return {
        shape: communityId ? 'merchant_in' : 'merchant',
        values: { scopeId: actor.merchantId, communityId },
      };
    case 'property_auditor':
    case 'property_ops':
      return {
        shape: communityId ? 'property_in' : 'property',
        values: { scopeId: actor.companyId, communityId },
      };
    case 'platform_admin':
      throw new Forbidden('The platform operator does not browse a community catalog');
  }
}

const scopeId = sql`${sql.placeholder('scopeId')}::uuid`;
const communityId = sql`${sql.placeholder('communityId')}::uuid`;

/** The condition behind a scope's shape; the query it goes into joins `merchants`. */
export function serviceScopeCondition(db: DbOrTx, shape: ServiceScope['shape']): SQL {
  switch (shape) {
    case 'resident':
      return and(
        eq(services.active, true),
        eq(merchants.status, 'approved'),
        offeredIn(db, scopeId),
      )!;
    case 'merchant':
    case 'merchant_in':
      return and(
        eq(services.merchantId, scopeId),
        shape === 'merchant_in' ? offeredIn(db, communityId) : undefined,
      )!;
    case 'property':
    case 'property_in':
      return exists(
        db
          .select({ one: sql`1` })
          .from(serviceCommunities)
          .innerJoin(communities, eq(communities.id, serviceCommunities.communityId))
          .where(
            and(
              eq(serviceCommunities.serviceId, services.id),
              eq(communities.companyId, scopeId),
              shape === 'property_in' ? eq(communities.id, communityId) : undefined,
            ),
          ),
      );
  }
}

function offeredIn(db: DbOrTx, community: SQL): SQL {
  return exists(
    db
      .select({ one: sql`1` })
      .from(serviceCommunities)
      .where(
        and(
          eq(serviceCommunities.serviceId, services.id),
          eq(serviceCommunities.communityId, community),
        ),
      ),
  );
}

import { communities, merchantCommunities, merchants, type DbOrTx } from '@cgp/db';
import { asc, eq } from 'drizzle-orm';
import { NotFound } from '../../errors';
import type { MerchantActor } from '../identity/actor';

/** The caller's merchant as its portal shows it: name, category, status and the communities served. */
export async function getMerchantProfile(db: DbOrTx, actor: MerchantActor) {
  const [merchant] = await db
    .select({
      id: merchants.id,
      name: merchants.name,
      category: merchants.category,
      status: merchants.status,
      payoutsEnabled: merchants.payoutsEnabled,
      detailsSubmitted: merchants.detailsSubmitted,
    })
    .from(merchants)
    .where(eq(merchants.id, actor.merchantId));
  if (!merchant) throw new NotFound('Merchant');
  const served = await db
    .select({ id: communities.id, name: communities.name })
    .from(merchantCommunities)
    .innerJoin(communities, eq(communities.id, merchantCommunities.communityId))
    .where(eq(merchantCommunities.merchantId, actor.merchantId))
    .orderBy(asc(communities.name), asc(communities.id));
  return { ...merchant, role: actor.merchantRole, communities: served };
}

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** The share of last month's households called back (seed §一.2: 每月抽样回访15%住户). */
export const CALLBACK_SHARE = 0.15;

/** One household served in the month, with the orders it was served (and by which merchant). */
export interface ServedHousehold {
  unitId: string;
  orders: readonly { orderId: string; merchantId: string }[];
}

export interface CallbackPick {
  unitId: string;
  orderId: string;
  merchantId: string;
}

/** ceil(15%) of the households, computed in integers so 0.15 × 20 is 3, not 3.0000000000000004. */
export function callbackQuota(households: number): number {
  return Math.ceil((households * 15) / 100);
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Draws the month's callback sample: first one random household for each merchant served (so
 * every merchant is covered), then random households until ceil(15%) are picked. A household is
 * called once, about one of its orders (with the merchant it is picked for, else a random one).
 * Deterministic in (households, seed): the input is put in a fixed order first, so the same seed
 * over the same month draws the same sample again. Only when merchants outnumber the quota does
 * the sample exceed it, since every merchant must be covered.
 */
export function drawCallbackSample(
  households: readonly ServedHousehold[],
  seed: number,
): CallbackPick[] {
  const rng = xoroshiro128plus(seed);
  const pickIndex = (n: number) => uniformInt(rng, 0, n - 1);
  const sorted = [...households]
    .filter((h) => h.orders.length > 0)
    .sort((a, b) => byId(a.unitId, b.unitId))
    .map((h) => ({
      unitId: h.unitId,
      orders: [...h.orders].sort((a, b) => byId(a.orderId, b.orderId)),
    }));
  const quota = callbackQuota(sorted.length);
  const picked = new Map<string, CallbackPick>();

  const merchants = new Map<string, { unitId: string; orderId: string }[]>();
  for (const h of sorted) {
    for (const o of h.orders) {
      const list = merchants.get(o.merchantId) ?? [];
      list.push({ unitId: h.unitId, orderId: o.orderId });
      merchants.set(o.merchantId, list);
    }
  }
  for (const merchantId of [...merchants.keys()].sort(byId)) {
    if ([...picked.values()].some((p) => p.merchantId === merchantId)) continue;
    const free = merchants.get(merchantId)!.filter((s) => !picked.has(s.unitId));
    // No free household means each one this merchant served is already picked (about another
    // merchant's order): the merchant's households are then called anyway.
    if (!free.length) continue;
    const choice = free[pickIndex(free.length)]!;
    picked.set(choice.unitId, { unitId: choice.unitId, orderId: choice.orderId, merchantId });
  }

  const rest = sorted.filter((h) => !picked.has(h.unitId));
  while (picked.size < quota && rest.length) {
    const [h] = rest.splice(pickIndex(rest.length), 1);
    const order = h!.orders[pickIndex(h!.orders.length)]!;
    picked.set(h!.unitId, { unitId: h!.unitId, ...order });
  }
  return [...picked.values()].sort((a, b) => byId(a.unitId, b.unitId));
}

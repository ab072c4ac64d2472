import { applyBps } from '../../lib/money';

export interface Shares {
  merchantFen: number;
  platformFen: number;
}

/** The platform's default commission: 30% (SPEC §4). */
export const DEFAULT_PLATFORM_BPS = 3000;

/**
 * The one place that divides money between merchant and platform (SPEC §4): the platform gets
 * round_half_up(net × bps / 10000), the merchant the rest, so the two always add up to `net`.
 */
export function split(netFen: number, platformBps: number): Shares {
  const platformFen = applyBps(netFen, platformBps);
  return { platformFen, merchantFen: netFen - platformFen };
}

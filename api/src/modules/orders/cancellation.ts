import { applyBps } from '../../lib/money';

export interface CancellationPolicy {
  freeCancelMinutes: number;
  lateCancelFeeBps: number;
}

export interface CancellationTerms {
  refundFen: number;
  feeFen: number;
  /** Until this moment the resident cancels free of charge. */
  freeUntil: Date;
  free: boolean;
}

/**
 * What a resident gets back when cancelling at `now` (SPEC §3): everything until N minutes before
 * the start, afterwards everything but a late fee of `lateCancelFeeBps` of the total.
 */
export function cancellationTerms(input: {
  totalFen: number;
  startsAt: Date;
  now: Date;
  policy: CancellationPolicy;
}): CancellationTerms {
  const freeUntil = new Date(input.startsAt.getTime() - input.policy.freeCancelMinutes * 60_000);
  const free = input.now.getTime() <= freeUntil.getTime();
  const feeFen = free ? 0 : applyBps(input.totalFen, input.policy.lateCancelFeeBps);
  return { refundFen: input.totalFen - feeFen, feeFen, freeUntil, free };
}

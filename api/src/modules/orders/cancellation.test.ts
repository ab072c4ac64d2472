import { describe, expect, it } from 'vitest';
import { cancellationTerms } from './cancellation';

const startsAt = new Date('2026-12-01T02:00:00Z');
const policy = { freeCancelMinutes: 120, lateCancelFeeBps: 2000 };

describe('cancellationTerms', () => {
  it('refunds everything until N minutes before the start', () => {
    const terms = cancellationTerms({
      totalFen: 10_000,
      startsAt,
      now: new Date('2026-12-01T00:00:00Z'),
      policy,
    });
    expect(terms).toMatchObject({ refundFen: 10_000, feeFen: 0, free: true });
    const after = cancellationTerms({
      totalFen: 10_000,
      startsAt,
      now: new Date('2026-12-01T00:00:00.001Z'),
      policy,
    });
    expect(after).toMatchObject({ refundFen: 8000, feeFen: 2000, free: false });
    const earlier = cancellationTerms({
      totalFen: 10_000,
      startsAt,
      now: new Date('2026-11-30T23:59:59.999Z'),
      policy,
    });
    expect(earlier).toMatchObject({ refundFen: 10_000, feeFen: 0, free: true });
    expect(earlier.freeUntil.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('keeps the late fee afterwards, rounded half up, and refund + fee = total', () => {
    const terms = cancellationTerms({
      totalFen: 12_345,
      startsAt,
      now: new Date('2026-12-01T01:00:00Z'),
      policy,
    });
    expect(terms.feeFen).toBe(2469); // 2469.0
    expect(terms.refundFen + terms.feeFen).toBe(12_345);
    const odd = cancellationTerms({
      totalFen: 5,
      startsAt,
      now: new Date(startsAt.getTime() + 1),
      policy: { freeCancelMinutes: 0, lateCancelFeeBps: 3000 },
    });
    expect(odd).toMatchObject({ feeFen: 2, refundFen: 3 });
  });
});

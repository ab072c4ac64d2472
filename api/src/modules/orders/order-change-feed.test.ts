import { describe, expect, it } from 'vitest';
import { decodeEventId, encodeEventId, OrderChangeFeed } from './order-change-feed';

const A = '0b1f3c1e-0000-4000-8000-00000000000a';
const B = '0b1f3c1e-0000-4000-8000-00000000000b';
const T = Date.parse('2025-05-01T08:00:00.000Z');

describe('OrderChangeFeed', () => {
  it('sends each version of an order once and moves its position to the newest change', () => {
    const feed = new OrderChangeFeed({ at: T, id: A }, 10_000);
    expect(feed.admit({ at: T + 1_000, id: B })).toBe(true);
    expect(feed.admit({ at: T + 1_000, id: B })).toBe(false); // read again by the next poll
    expect(feed.admit({ at: T + 2_000, id: B })).toBe(true); // changed again
    expect(feed.position).toEqual({ at: T + 2_000, id: B });
  });

  it('delivers a change that commits late, behind ones already sent, without moving back', () => {
    const feed = new OrderChangeFeed({ at: T, id: A }, 10_000);
    feed.admit({ at: T + 5_000, id: B });
    expect(feed.readFrom().at).toBe(T - 5_000);
    expect(feed.admit({ at: T + 3_000, id: A })).toBe(true);
    expect(feed.position).toEqual({ at: T + 5_000, id: B });
  });

  it('forgets only what the next poll can no longer read', () => {
    const feed = new OrderChangeFeed({ at: T, id: A }, 10_000);
    feed.admit({ at: T, id: B });
    feed.admit({ at: T + 10_000, id: A });
    feed.prune();
    // B sits exactly on the window's floor, so it is still read and must still be remembered.
    expect(feed.admit({ at: T, id: B })).toBe(false);
    feed.admit({ at: T + 10_001, id: A });
    feed.prune();
    expect(feed.admit({ at: T, id: B })).toBe(true);
  });
});

describe('event ids', () => {
  it('round-trips a position and refuses anything else', () => {
    const id = encodeEventId({ at: T, id: A });
    expect(id).toBe(`2025-05-01T08:00:00.000Z_${A}`);
    expect(decodeEventId(id)).toEqual({ at: T, id: A });
    for (const bad of ['', 'garbage', `2025-05-01_${A}`, `2025-13-45T99:00:00.000Z_${A}`]) {
      expect(decodeEventId(bad)).toBeNull();
    }
  });
});

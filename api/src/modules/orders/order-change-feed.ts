/**
 * Which order changes a live feed has sent. Pure: the database polling lives in order-live-hub.ts.
 *
 * An order's `updated_at` is its transaction's start time, not its commit time, so a change can
 * become visible after later ones were already read. Each poll therefore re-reads a window before
 * the newest change sent, and the feed remembers what it sent in that window to skip repeats.
 */

/** How late a change may commit and still be delivered: far longer than any order transaction. */
export const LATE_COMMIT_WINDOW_MS = 10_000;
/** The lowest id, for a position that names only a time. */
export const MIN_UUID = '00000000-0000-0000-0000-000000000000';

/** A point in the (updated_at, id) order of changes. `at` is epoch milliseconds. */
export interface FeedPosition {
  at: number;
  id: string;
}

const EVENT_ID = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/;

/** The SSE event id of a position; the client sends the last one back when it reconnects. */
export function encodeEventId(position: FeedPosition): string {
  return `${new Date(position.at).toISOString()}_${position.id}`;
}

/** The position an event id names, or null when it is not one of ours. */
export function decodeEventId(eventId: string): FeedPosition | null {
  const match = EVENT_ID.exec(eventId);
  if (!match) return null;
  const at = Date.parse(match[1]!);
  return Number.isNaN(at) ? null : { at, id: match[2]! };
}

/** Whether position `a` comes after `b` in the order of changes. */
export const after = (a: FeedPosition, b: FeedPosition) =>
  a.at > b.at || (a.at === b.at && a.id > b.id);

export class OrderChangeFeed {
  private newest: FeedPosition;
  /** Order id → the `updated_at` last sent, for changes inside the window. */
  private readonly sent = new Map<string, number>();

  constructor(
    start: FeedPosition,
    private readonly windowMs = LATE_COMMIT_WINDOW_MS,
  ) {
    this.newest = start;
  }

  /** The newest change sent (or the start): what the next event id carries. */
  get position(): FeedPosition {
    return this.newest;
  }

  /** Where the next poll starts reading, exclusive. */
  readFrom(): FeedPosition {
    return { at: this.newest.at - this.windowMs, id: MIN_UUID };
  }

  /**
   * Whether a change read from the database is news to the client; records it if so. Compared
   * by equality, since a row's `updated_at` can even move backwards when transactions overlap.
   */
  admit(change: FeedPosition): boolean {
    if (this.sent.get(change.id) === change.at) return false;
    this.sent.set(change.id, change.at);
    if (after(change, this.newest)) this.newest = change;
    return true;
  }

  /** Forgets changes that have fallen out of the window; the next poll will not read them. */
  prune(): void {
    const floor = this.newest.at - this.windowMs;
    for (const [id, at] of this.sent) if (at < floor) this.sent.delete(id);
  }
}

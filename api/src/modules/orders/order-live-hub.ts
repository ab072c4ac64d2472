import { orders, type Db } from '@cgp/db';
import { and, asc, inArray, isNotNull, notInArray, or, sql } from 'drizzle-orm';
import { after, encodeEventId, OrderChangeFeed, type FeedPosition } from './order-change-feed';
import { selectOrders, type OrderViewRow } from './order-view';

/**
 * Who a live feed is for: a resident's own orders (and, with `unitId`, those a family member
 * booked for their household), or the orders a merchant has to act on.
 */
export type LiveAudience =
  | { kind: 'resident'; residentId: string; unitId?: string }
  | { kind: 'merchant'; merchantId: string };

/** Orders a merchant never has to act on: unpaid, or never paid. */
const NOT_THE_MERCHANTS_BUSINESS = ['pending_payment', 'expired'] as const;
const BATCH = 200;

/**
 * One change for one subscriber: the order's row as it now is (each feed shows it as its reader
 * sees an order), and the event id to resume after.
 */
export interface LiveOrderEvent {
  eventId: string;
  row: OrderViewRow;
}

interface Subscriber {
  audience: LiveAudience;
  feed: OrderChangeFeed;
  /** Hands over what one poll found for this subscriber (possibly nothing). */
  deliver: (events: LiveOrderEvent[]) => void;
  fail: (error: unknown) => void;
}

const keyOf = (audience: LiveAudience) =>
  audience.kind === 'resident' ? `r:${audience.residentId}` : `m:${audience.merchantId}`;

function concerns(audience: LiveAudience, row: OrderViewRow): boolean {
  if (audience.kind === 'resident') {
    return (
      row.order.residentId === audience.residentId ||
      (row.order.familyMemberId !== null && row.order.unitId === audience.unitId)
    );
  }
  return (
    row.order.merchantId === audience.merchantId &&
    !(NOT_THE_MERCHANTS_BUSINESS as readonly string[]).includes(row.order.status)
  );
}

/**
 * The process's one poll behind every live order feed (residents' `order.live`, merchants'
 * `merchant.orders.live`). However many streams are open, each interval runs one query for the
 * changes of every audience someone listens to, and hands each subscriber the changes of its own
 * audience after its own position. It polls only while someone is subscribed.
 */
export class OrderLiveHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  /** Resident subscribers by unit: orders family members booked for that household. */
  private readonly households = new Map<string, Set<Subscriber>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A poll is running: the next one is scheduled when it ends, so there is only ever one loop. */
  private running = false;
  /** SQL statements the poll has run so far: what every open stream of the process shares. */
  queries = 0;

  constructor(
    private readonly db: Db,
    readonly pollMs = 1_000,
  ) {}

  /** How many streams are subscribed now. */
  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /** Whether the poll is scheduled (someone is subscribed). */
  get polling(): boolean {
    return this.timer !== null || this.running;
  }

  /**
   * The audience's order changes after `start`, one batch per poll (an empty batch when the
   * poll found nothing for it), until `signal` aborts or the poll fails.
   */
  async *watch(
    audience: LiveAudience,
    start: FeedPosition,
    signal?: AbortSignal,
  ): AsyncGenerator<LiveOrderEvent[]> {
    const pending: LiveOrderEvent[][] = [];
    let failure: { error: unknown } | null = null;
    let wake: (() => void) | null = null;
    const subscriber: Subscriber = {
      audience,
      feed: new OrderChangeFeed(start),
      deliver: (events) => {
        pending.push(events);
        wake?.();
      },
      fail: (error) => {
        failure = { error };
        wake?.();
      },
    };
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.add(subscriber);
    try {
      while (!signal?.aborted) {
        if (failure) throw (failure as { error: unknown }).error;
        const batch = pending.shift();
        if (batch) {
          yield batch;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.remove(subscriber);
    }
  }

  private add(subscriber: Subscriber) {
    const key = keyOf(subscriber.audience);
    const set = this.subscribers.get(key) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(key, set);
    const unitId = householdOf(subscriber.audience);
    if (unitId)
      this.households.set(unitId, (this.households.get(unitId) ?? new Set()).add(subscriber));
    this.schedule();
  }

  private remove(subscriber: Subscriber) {
    const key = keyOf(subscriber.audience);
    const set = this.subscribers.get(key);
    set?.delete(subscriber);
    if (set?.size === 0) this.subscribers.delete(key);
    const unitId = householdOf(subscriber.audience);
    const household = unitId ? this.households.get(unitId) : undefined;
    household?.delete(subscriber);
    if (unitId && household?.size === 0) this.households.delete(unitId);
    if (this.subscribers.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule() {
    if (this.timer || this.running || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => void this.tick(), this.pollMs);
    this.timer.unref();
  }

  private async tick() {
    this.timer = null;
    this.running = true;
    const subscribers = [...this.subscribers.values()].flatMap((set) => [...set]);
    try {
      await this.poll(subscribers);
    } catch (error) {
      // The database is unreachable: every stream ends with the error, and its client reconnects.
      for (const s of subscribers) s.fail(error);
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  /** One poll: one query (more only when one poll finds more than a batch) for all audiences. */
  private async poll(subscribers: Subscriber[]) {
    if (subscribers.length === 0) return;
    const fromOf = new Map(subscribers.map((s) => [s, s.feed.readFrom()]));
    let from = [...fromOf.values()].reduce((min, p) => (after(min, p) ? p : min));
    const residentIds = new Set<string>();
    const merchantIds = new Set<string>();
    const unitIds = new Set<string>();
    for (const { audience } of subscribers) {
      if (audience.kind === 'resident') residentIds.add(audience.residentId);
      else merchantIds.add(audience.merchantId);
      const unitId = householdOf(audience);
      if (unitId) unitIds.add(unitId);
    }
    const found = new Map<Subscriber, LiveOrderEvent[]>();
    for (;;) {
      this.queries++;
      const rows = await changedSince(
        this.db,
        { residentIds: [...residentIds], merchantIds: [...merchantIds], unitIds: [...unitIds] },
        from,
      );
      for (const row of rows) {
        const change = { at: row.order.updatedAt.getTime(), id: row.order.id };
        for (const s of new Set(this.listenersOf(row))) {
          const own = fromOf.get(s);
          if (!own || !concerns(s.audience, row) || !after(change, own)) continue;
          if (!s.feed.admit(change)) continue;
          const events = found.get(s) ?? [];
          events.push({ eventId: encodeEventId(s.feed.position), row });
          found.set(s, events);
        }
      }
      const last = rows[rows.length - 1];
      if (rows.length < BATCH || !last) break;
      from = { at: last.order.updatedAt.getTime(), id: last.order.id };
    }
    for (const s of subscribers) {
      s.feed.prune();
      s.deliver(found.get(s) ?? []);
    }
  }

  private listenersOf(row: OrderViewRow): Subscriber[] {
    return [
      ...(this.subscribers.get(`r:${row.order.residentId}`) ?? []),
      ...(this.subscribers.get(`m:${row.order.merchantId}`) ?? []),
      ...((row.order.familyMemberId && this.households.get(row.order.unitId)) || []),
    ];
  }
}

const householdOf = (audience: LiveAudience) =>
  audience.kind === 'resident' ? audience.unitId : undefined;

/**
 * The changes after `from` of the residents' orders, of orders family members booked for their
 * households, and of the merchants' paid orders.
 */
function changedSince(
  db: Db,
  {
    residentIds,
    merchantIds,
    unitIds,
  }: { residentIds: string[]; merchantIds: string[]; unitIds: string[] },
  from: FeedPosition,
) {
  const audiences = or(
    residentIds.length ? inArray(orders.residentId, residentIds) : undefined,
    unitIds.length
      ? and(isNotNull(orders.familyMemberId), inArray(orders.unitId, unitIds))
      : undefined,
    merchantIds.length
      ? and(
          inArray(orders.merchantId, merchantIds),
          notInArray(orders.status, [...NOT_THE_MERCHANTS_BUSINESS]),
        )
      : undefined,
  );
  return selectOrders(db)
    .where(
      and(
        audiences ?? sql`false`,
        sql`(${orders.updatedAt}, ${orders.id}) > (${new Date(from.at).toISOString()}::timestamptz, ${from.id}::uuid)`,
      ),
    )
    .orderBy(asc(orders.updatedAt), asc(orders.id))
    .limit(BATCH);
}

const hubs = new WeakMap<Db, OrderLiveHub>();

/** The process's hub for `db` (one database in production; one per test database in tests). */
export function orderLiveHub(db: Db): OrderLiveHub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new OrderLiveHub(db);
    hubs.set(db, hub);
  }
  return hub;
}

import Stripe from 'stripe';
import { newId, nowSeconds } from './ids';
import { insertObject, type Queryable } from './store';

export type EventType = Stripe.Event['type'];
type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends EventType> = EventOf<T>['data']['object'];

/** The API request behind a change; `null` for changes made on a hosted page, as Stripe reports them. */
export type RequestInfo = Stripe.Event.Request;

export const AUTOMATIC: RequestInfo = { id: null, idempotency_key: null };

/**
 * Records an event inside the caller's transaction, with one pending delivery per webhook endpoint
 * that listens for its type, so an event exists exactly when the change it reports does.
 */
export async function emitEvent<T extends EventType>(
  tx: Queryable,
  type: T,
  object: EventObject<T>,
  request: RequestInfo,
  previousAttributes?: Partial<EventObject<T>>,
): Promise<EventOf<T>> {
  const { rows: endpoints } = await tx.query<{ id: string }>(
    `SELECT id FROM stripe_sandbox.webhook_endpoints
      WHERE '*' = ANY (enabled_events) OR $1 = ANY (enabled_events)`,
    [type],
  );
  const base: Omit<Stripe.EventBase, 'type' | 'data'> = {
    id: newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: nowSeconds(),
    livemode: false,
    pending_webhooks: endpoints.length,
    request,
  };
  // The pairing of `type` and `object` is checked at every call site through EventObject<T>.
  const event = {
    ...base,
    type,
    data: { object, ...(previousAttributes && { previous_attributes: previousAttributes }) },
  } as EventOf<T>;
  await insertObject(tx, 'event', event.id, event);
  if (endpoints.length) {
    await tx.query(
      `INSERT INTO stripe_sandbox.webhook_deliveries (event_id, endpoint_id)
       SELECT $1, unnest($2::text[])`,
      [event.id, endpoints.map((e) => e.id)],
    );
  }
  return event;
}

import type Stripe from 'stripe';
import { invalidRequest } from './errors';
import { findAnyObject, getObject, type Queryable } from './store';

export async function sessionLineItems(
  db: Queryable,
  sessionId: string,
): Promise<Stripe.ApiList<Stripe.LineItem>> {
  const session = await getObject(db, 'checkout.session', sessionId);
  return {
    object: 'list',
    data: session.internal.line_items,
    has_more: false,
    url: `/v1/checkout/sessions/${sessionId}/line_items`,
  };
}

function notExpandable(path: string) {
  return invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
}

async function expandPath(
  db: Queryable,
  node: unknown,
  segments: string[],
  fullPath: string,
): Promise<unknown> {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  if (!(head in record) && !(head === 'line_items' && record.object === 'checkout.session')) {
    throw notExpandable(fullPath);
  }
  let child = record[head];
  if (head === 'line_items' && record.object === 'checkout.session') {
    child = await sessionLineItems(db, String(record.id));
  } else if (typeof child === 'string') {
    child = await findAnyObject(db, child);
    if (child === null) throw notExpandable(fullPath);
  }
  child = Array.isArray(child)
    ? await Promise.all(child.map((item) => expandPath(db, item, rest, fullPath)))
    : await expandPath(db, child, rest, fullPath);
  return { ...record, [head]: child };
}

/**
 * Applies `expand[]` the way Stripe does: each dotted path replaces an id with its object, and
 * `data.` reaches into the items of a list. The result keeps the response's declared type.
 */
export async function expandObject<T>(db: Queryable, value: T, paths: string[] = []): Promise<T> {
  let result: unknown = value;
  for (const path of paths) {
    result = await expandPath(db, result, path.split('.'), path);
  }
  return result as T;
}

import { merchants, payments, users, workers, type Db } from '@cgp/db';
import { and, desc, eq } from 'drizzle-orm';
import { maskPhone } from '../delivery/workers.service';

/** While the order is being served, the resident can call its merchant and worker. */
const CALLABLE_STATUSES = ['paid', 'accepted', 'in_service', 'completed', 'disputed'] as const;

export interface OrderContact {
  kind: 'merchant' | 'worker';
  name: string;
  /** What the page shows: 139****0001. */
  phoneMasked: string;
  /** What the 拨打 button dials (a tel: link). */
  dial: string;
}

/**
 * The one place a call to the other side of an order is put through. Without a virtual-number
 * (隐私号) provider the call goes to the number itself; with one, this returns the relay's number
 * bound to this order for a while, and nothing else changes. The page never prints the number.
 */
function dialUri(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/**
 * Whom the resident can call about an order, while it is being served: the merchant's contact
 * phone and, once dispatched, the worker's — each shown masked, dialled through `dialUri`.
 */
export async function orderContacts(
  db: Db,
  order: { status: string; merchantId: string; workerId: string | null },
): Promise<OrderContact[]> {
  if (!(CALLABLE_STATUSES as readonly string[]).includes(order.status)) return [];
  const contacts: OrderContact[] = [];
  const [merchant] = await db
    .select({ name: merchants.name, phone: merchants.contactPhone })
    .from(merchants)
    .where(eq(merchants.id, order.merchantId));
  if (merchant?.phone) {
    contacts.push({
      kind: 'merchant',
      name: merchant.name,
      phoneMasked: maskPhone(merchant.phone),
      dial: dialUri(merchant.phone),
    });
  }
  if (order.workerId) {
    const [worker] = await db
      .select({ name: users.displayName, phone: users.phone })
      .from(workers)
      .innerJoin(users, eq(users.id, workers.userId))
      .where(eq(workers.id, order.workerId));
    if (worker) {
      contacts.push({
        kind: 'worker',
        name: worker.name,
        phoneMasked: maskPhone(worker.phone),
        dial: dialUri(worker.phone),
      });
    }
  }
  return contacts;
}

/** How the order was paid (`wechat_pay`, `alipay`, `card`), from its successful payment. */
export async function orderPaymentMethod(db: Db, orderId: string): Promise<string | null> {
  const [paid] = await db
    .select({ method: payments.paymentMethodType })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.status, 'succeeded')))
    .orderBy(desc(payments.succeededAt))
    .limit(1);
  return paid?.method ?? null;
}

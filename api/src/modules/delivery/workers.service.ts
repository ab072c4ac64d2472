import { orders, users, workers, type Db, type DbOrTx } from '@cgp/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { Conflict, isUniqueViolation, NotFound } from '../../errors';
import type { MerchantActor } from '../identity/actor';
import { hashPassword } from '../identity/password';
import type { CreateWorkerInput, UpdateWorkerInput } from './delivery.schema';

/**
 * Statuses in which an order holds its worker (an on-demand order holds one from booking). The
 * exclusion constraint `orders_worker_no_overlap_ex` (migration 0007) lists the same four.
 */
export const HOLDING_STATUSES = ['pending_payment', 'paid', 'accepted', 'in_service'] as const;
/** `HOLDING_STATUSES` as an SQL list, for `status IN …`. */
export const holdingStatusList = sql.raw(`('${HOLDING_STATUSES.join("', '")}')`);

const PHONE_CONSTRAINT = 'users_phone_unique';

const phoneTaken = () =>
  new Conflict('phone_taken', 'Someone already signs in with this phone number');

/** 138****0001: enough for a resident to recognise, not enough to call around the platform. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****';
}

/** The merchant's workers with how many open orders each holds now. */
export async function listWorkers(db: DbOrTx, actor: MerchantActor) {
  const rows = await db
    .select({
      id: workers.id,
      userId: workers.userId,
      name: users.displayName,
      phone: users.phone,
      categories: workers.categories,
      active: workers.active,
      createdAt: workers.createdAt,
      openOrders: sql<number>`(SELECT count(*)::int FROM ${orders} o
        WHERE o.worker_id = ${workers.id}
          AND o.status IN ${holdingStatusList})`,
    })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(eq(workers.merchantId, actor.merchantId))
    .orderBy(asc(workers.createdAt), asc(workers.id));
  return {
    items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextCursor: null,
  };
}

/** Adds a worker: a staff login for the merchant plus the worker row, in one transaction. */
export async function createWorker(db: Db, actor: MerchantActor, input: CreateWorkerInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    const id = await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          phone: input.phone,
          passwordHash,
          role: 'merchant_staff',
          merchantId: actor.merchantId,
          merchantRole: 'staff',
          displayName: input.name,
        })
        .returning({ id: users.id });
      const [worker] = await tx
        .insert(workers)
        .values({ merchantId: actor.merchantId, userId: user!.id, categories: input.categories })
        .returning({ id: workers.id });
      return worker!.id;
    });
    return workerById(db, actor, id);
  } catch (error) {
    if (isUniqueViolation(error, PHONE_CONSTRAINT)) throw phoneTaken();
    throw error;
  }
}

/** Changes a worker's details, kinds of work, sign-in password or whether they are dispatched. */
export async function updateWorker(db: Db, actor: MerchantActor, input: UpdateWorkerInput) {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  try {
    await db.transaction(async (tx) => {
      const [worker] = await tx
        .update(workers)
        .set({
          updatedAt: sql`now()`,
          ...(input.categories ? { categories: input.categories } : {}),
          ...(input.active === undefined ? {} : { active: input.active }),
        })
        .where(and(eq(workers.id, input.id), eq(workers.merchantId, actor.merchantId)))
        .returning({ userId: workers.userId });
      if (!worker) throw new NotFound('Worker');
      const userChanges = {
        ...(input.name ? { displayName: input.name } : {}),
        ...(input.phone ? { phone: input.phone } : {}),
        ...(passwordHash ? { passwordHash } : {}),
      };
      if (Object.keys(userChanges).length) {
        await tx.update(users).set(userChanges).where(eq(users.id, worker.userId));
      }
    });
  } catch (error) {
    if (isUniqueViolation(error, PHONE_CONSTRAINT)) throw phoneTaken();
    throw error;
  }
  return workerById(db, actor, input.id);
}

async function workerById(db: DbOrTx, actor: MerchantActor, id: string) {
  const { items } = await listWorkers(db, actor);
  const worker = items.find((w) => w.id === id);
  if (!worker) throw new NotFound('Worker');
  return worker;
}

/** The worker row of a signed-in merchant staff member, if they are one. */
export async function workerOfUser(db: DbOrTx, userId: string) {
  const [row] = await db
    .select({ id: workers.id, merchantId: workers.merchantId, active: workers.active })
    .from(workers)
    .where(eq(workers.userId, userId));
  return row;
}

/** Names of workers by id, for order views. */
export async function workerNames(db: DbOrTx, ids: string[]) {
  if (!ids.length) return new Map<string, { name: string; phone: string }>();
  const rows = await db
    .select({ id: workers.id, name: users.displayName, phone: users.phone })
    .from(workers)
    .innerJoin(users, eq(users.id, workers.userId))
    .where(inArray(workers.id, ids));
  return new Map(rows.map((r) => [r.id, { name: r.name, phone: r.phone }]));
}

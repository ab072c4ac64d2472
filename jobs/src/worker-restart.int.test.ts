import { orders, outbox, slots } from '@cgp/db';
import { bookSlot, createTestDeps, type TestDeps } from '@cgp/api/testing';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps({ PAYMENT_TIMEOUT_SECONDS: '6', ACCEPT_SLA_SECONDS: '900' });
});
afterAll(() => deps.teardown());

/** The standalone worker process (`jobs/src/main.ts`) against this file's database and Redis prefix. */
function startWorkerProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: deps.env.DATABASE_URL,
      REDIS_URL: deps.env.REDIS_URL,
      REDIS_PREFIX: deps.env.REDIS_PREFIX,
      PAYMENT_TIMEOUT_SECONDS: '6',
      OUTBOX_POLL_MS: '100',
      TIMER_SWEEP_SECONDS: '2',
      DEMO: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  return { child, exited: new Promise((r) => child.once('exit', r)) };
}

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

it('loses no timer when the worker process is killed and restarted', async () => {
  const { service, resident } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id, capacity: 1 });

  const delivered = async () =>
    (await deps.db.select().from(outbox).where(eq(outbox.name, 'payment-expiry'))).every(
      (r) => r.deliveredAt,
    );

  const first = startWorkerProcess();
  // A first booking tells us when the worker process is up and relaying.
  const warmUp = await deps.factories.createSlot({
    serviceId: service.id,
    capacity: 1,
    startsInMinutes: 3000,
  });
  await bookSlot(deps, resident.id, warmUp.id);
  expect(await until(delivered, 60_000)).toBe(true);

  const order = await bookSlot(deps, resident.id, slot.id);
  // The relay hands the timer to Redis as a delayed job; then the worker dies without warning.
  expect(await until(delivered, 3_000)).toBe(true);
  first.child.kill('SIGKILL');
  await first.exited;

  await new Promise((r) => setTimeout(r, 6500)); // the deadline passes while no worker runs
  const status = async () =>
    (await deps.db.select().from(orders).where(eq(orders.id, order.id)))[0]!.status;
  expect(await status()).toBe('pending_payment');

  const second = startWorkerProcess();
  try {
    expect(await until(async () => (await status()) === 'expired', 60_000)).toBe(true);
    const [row] = await deps.db.select().from(slots).where(eq(slots.id, slot.id));
    expect(row!.booked).toBe(0);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
}, 180_000);

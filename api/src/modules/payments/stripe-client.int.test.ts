import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../env';
import { createTestDeps, type TestDeps } from '../../testing';
import { createPayments, type Payments } from './stripe-client';

let deps: TestDeps;
const opened: Payments[] = [];

beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => {
  for (const payments of opened.reverse()) await payments.close();
  await deps?.teardown();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function open(env: Record<string, string>, sandbox?: 'serve' | 'connect') {
  const payments = await createPayments({
    env: loadEnv({ ...env, DATABASE_URL: deps.env.DATABASE_URL }),
    pool: deps.database.pool,
    logger: deps.logger,
    sandbox,
  });
  opened.push(payments);
  return payments;
}

describe('createPayments', () => {
  it('without a key serves the sandbox on PORT + 1, with its webhook at PUBLIC_URL', async () => {
    const port = await freePort();
    const served = await open({ PORT: String(port - 1) });
    expect(served.sandbox!.url).toBe(`http://localhost:${port}`);
    const { rows } = await deps.database.pool.query<{ url: string }>(
      'SELECT url FROM stripe_sandbox.webhook_endpoints',
    );
    expect(rows.map((r) => r.url)).toEqual([`http://localhost:${port - 1}/webhooks/stripe`]);
    expect(served.webhookSecret).toMatch(/^whsec_/);

    // A worker process is a client of that sandbox, with the same keys, and serves nothing.
    const client = await open({ PORT: String(port - 1) }, 'connect');
    expect(client.sandbox).toBeNull();
    expect(client.webhookSecret).toBe(served.webhookSecret);
    const account = await client.stripe.accounts.create({ type: 'express' });
    expect((await served.stripe.accounts.retrieve(account.id)).id).toBe(account.id);
  });

  it('with a key talks to Stripe and verifies webhooks with the configured secret', async () => {
    const real = await open({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' });
    expect(real.sandbox).toBeNull();
    expect(real.webhookSecret).toBe('whsec_x');
  });

  it('names the port when the sandbox cannot listen on it', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as { port: number };
    try {
      await expect(open({ STRIPE_SANDBOX_PORT: String(port) })).rejects.toThrow(/could not start/);
    } finally {
      taken.close();
    }
  });
});

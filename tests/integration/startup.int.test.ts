import { databaseUrl, TEST_SERVER_URL } from '@cgp/db/testing';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Starts `npm start`'s entry point (without the UI build) with the given environment. */
function startPlatform(env: Record<string, string>) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/src/platform.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Run>((resolve) =>
    child.on('exit', (code) => resolve({ code, output, ms: Date.now() - started })),
  );
  return { child, exited, output: () => output };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const databaseName = `cgp_test_${Date.now()}_startup`;
afterAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
});

describe('start-up', () => {
  it('exits non-zero within 10 s naming the PostgreSQL URL when it is unreachable', async () => {
    const run = await startPlatform({
      PORT: String(await freePort()),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/community',
    }).exited;
    expect(run.code).not.toBe(0);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.output).toContain(
      'PostgreSQL is unreachable at postgres://postgres@127.0.0.1:1/community',
    );
  });

  it('exits non-zero within 10 s naming the Redis URL when it is unreachable', async () => {
    const run = await startPlatform({
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl(databaseName),
      REDIS_URL: 'redis://127.0.0.1:1',
    }).exited;
    expect(run.code).not.toBe(0);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.output).toContain('Redis is unreachable at redis://127.0.0.1:1');
  });

  it('refuses invalid configuration, naming the variable', async () => {
    const run = await startPlatform({ PORT: 'eighty' }).exited;
    expect(run.code).toBe(1);
    expect(run.output).toContain('PORT');
  });

  it('refuses to start in production with the payment sandbox or plain http, before listening', async () => {
    const port = await freePort();
    const sandbox = await startPlatform({ NODE_ENV: 'production', PORT: String(port) }).exited;
    expect(sandbox.code).toBe(1);
    expect(sandbox.output).toContain('STRIPE_SECRET_KEY: is required in production');
    expect(sandbox.output).toContain('payment sandbox');
    expect(sandbox.output).toContain('PUBLIC_URL');

    const http = await startPlatform({
      NODE_ENV: 'production',
      PORT: String(port),
      STRIPE_SECRET_KEY: 'sk_live_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      PUBLIC_URL: 'http://shop.example.com',
    }).exited;
    expect(http.code).toBe(1);
    expect(http.output).toContain('PUBLIC_URL: must be https:// in production');
    expect(http.output).not.toContain('STRIPE_SECRET_KEY');
    // Nothing ever listened on the port.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('creates, migrates and seeds an absent database, serves, and stops gracefully on SIGINT', async () => {
    const port = await freePort();
    const platform = startPlatform({
      PORT: String(port),
      // Its own free port: PORT + 1, the default, may be taken by someone else on a busy machine.
      STRIPE_SANDBOX_PORT: String(await freePort()),
      DATABASE_URL: databaseUrl(databaseName),
      REDIS_PREFIX: `cgp-test-startup-${port}`,
    });
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    // Seeding the demo (60 days of history paid at the sandbox, last month settled) takes about
    // ten seconds on a busy two-core machine; readiness comes after it.
    for (let i = 0; i < 200 && !ready; i++) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready, platform.output()).toBe(true);
    const login = await fetch(`${base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '13800000001', password: 'demo1234' }),
    });
    expect(login.status).toBe(200);

    platform.child.kill('SIGINT');
    const run = await platform.exited;
    expect(run.code).toBe(0);
    expect(run.output).toContain('platform stopped');
  });
});

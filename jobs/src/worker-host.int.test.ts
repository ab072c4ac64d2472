import { createLogger } from '@cgp/api';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { startWorkerHost } from './worker-host';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connection = { url: REDIS_URL };
const prefix = `cgp-test-${randomUUID()}:bull`;
const queue = new Queue('slow', { connection, prefix });
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
});

function capturingLogger() {
  const lines: string[] = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { logger: createLogger('warn', out), lines };
}

it('lets a running job finish when it finishes within the grace period', async () => {
  const { logger } = capturingLogger();
  let finished = false;
  const host = await startWorkerHost({
    connection,
    prefix: () => prefix,
    logger,
    closeGraceMs: 5_000,
    definitions: [
      {
        queue: 'slow',
        processor: async () => {
          await new Promise((r) => setTimeout(r, 300));
          finished = true;
        },
      },
    ],
  });
  const job = await queue.add('short', {});
  while ((await job.getState()) !== 'active') await new Promise((r) => setTimeout(r, 20));
  await host.close();
  expect(finished).toBe(true);
  expect(await job.getState()).toBe('completed');
});

it('stops waiting for a job that outlives the grace period, and says so', async () => {
  const { logger, lines } = capturingLogger();
  const host = await startWorkerHost({
    connection,
    prefix: () => prefix,
    logger,
    closeGraceMs: 500,
    definitions: [{ queue: 'slow', processor: () => new Promise(() => undefined) }],
  });
  const job = await queue.add('endless', {});
  while ((await job.getState()) !== 'active') await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  await host.close();
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(lines.map((l) => JSON.parse(l) as { msg: string; queues: string[] })).toContainEqual(
    expect.objectContaining({
      msg: 'job workers did not stop in time; leaving them',
      queues: ['slow'],
    }),
  );
  // Nothing was lost: the job is still there to be taken up again as stalled.
  expect(await job.getState()).toBe('active');
});

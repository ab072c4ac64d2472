import pg from 'pg';
import { WARMUP_SECONDS } from './http-load';
import { percentile } from './report';

export interface Throughput {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * What PostgreSQL alone does: `connections` clients each sending `query(client, n)` back to back
 * for `seconds`, timing every round trip; n numbers the queries (client i sends i, i + connections,
 * i + 2 × connections, …), so no two in flight share it.
 */
export async function pgCeiling(options: {
  url: string;
  connections: number;
  seconds: number;
  query: (client: pg.Client, n: number) => Promise<unknown>;
}): Promise<Throughput> {
  const clients = await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const c = new pg.Client({ connectionString: options.url });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  const loop = async (seconds: number, record: boolean) => {
    const end = Date.now() + seconds * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        for (let n = i; Date.now() < end; n += options.connections) {
          const t0 = performance.now();
          await options.query(client, n);
          if (record) latencies.push(performance.now() - t0);
        }
      }),
    );
  };
  // Warmed up like the HTTP measurements, so both sides are compared in their steady state.
  await loop(WARMUP_SECONDS, false);
  await loop(options.seconds, true);
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / options.seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

import pg from 'pg';
import { percentile } from './report';

export interface Throughput {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * What PostgreSQL alone does: `connections` clients each sending `query(client, n)` back to back
 * for `seconds` (n counts that client's queries, starting at its index), timing every round trip.
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
  const end = Date.now() + options.seconds * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      for (let n = i; Date.now() < end; n++) {
        const t0 = performance.now();
        await options.query(client, n);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / options.seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

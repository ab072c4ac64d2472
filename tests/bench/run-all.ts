/**
 * `npm run bench`: every benchmark in turn, each printing its figures beside the ceiling it is
 * measured against. Settlement defaults to 1,000,000 orders; pass BENCH_SETTLEMENT_ORDERS to change.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const runs: [string, string[]][] = [
  ['booking.ts', [process.env.BENCH_SECONDS ?? '15']],
  ['booking-pgbench.ts', [process.env.BENCH_SECONDS ?? '15']],
  ['catalog.ts', [process.env.BENCH_SECONDS ?? '10']],
  ['jobs.ts', [process.env.BENCH_JOBS ?? '5000']],
  ['settlement.ts', [process.env.BENCH_SETTLEMENT_ORDERS ?? '1000000', '500']],
];
let failed = 0;
for (const [file, args] of runs) {
  console.log(`\n# ${file} ${args.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${here}${file}`, ...args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

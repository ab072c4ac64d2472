/**
 * `npm run seed`: creates and migrates the database if needed, then seeds the demo data. The
 * demo's history is paid and last month settled at the payment processor (the embedded sandbox,
 * which keeps its state in the same database, or Stripe when a key is set), as on first start.
 */
import { createDatabase, ensureDatabase, runMigrations } from '@cgp/db';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { createPayments } from '../modules/payments/stripe-client';
import { photoStoreFor } from '../modules/uploads/photo-store';
import { isEmpty, seedDemo } from './demo';

const env = loadEnv();
const logger = createLogger(env.LOG_LEVEL);
await ensureDatabase(env.DATABASE_URL);
const database = createDatabase(env.DATABASE_URL);
try {
  await runMigrations(database.db);
  if (await isEmpty(database.db)) {
    const payments = await createPayments({
      env,
      pool: database.pool,
      logger,
      sandbox: env.STRIPE_SANDBOX_MODE,
    });
    try {
      await seedDemo(database.db, {
        timeZone: env.TZ_BUSINESS,
        history: true,
        processor: { payments, env, logger },
        photos: photoStoreFor(env),
      });
    } finally {
      await payments.close();
    }
    console.log('Demo data seeded.');
  } else {
    console.log('The database already holds data; the demo is seeded only into an empty one.');
  }
} finally {
  await database.close();
}

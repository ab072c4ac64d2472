/** `npm run seed`: creates and migrates the database if needed, then seeds the demo data. */
import { createDatabase, ensureDatabase, runMigrations } from '@cgp/db';
import { loadEnv } from '../env';
import { photoStoreFor } from '../modules/uploads/photo-store';
import { isEmpty, seedDemo } from './demo';

const env = loadEnv();
await ensureDatabase(env.DATABASE_URL);
const { db, close } = createDatabase(env.DATABASE_URL);
try {
  await runMigrations(db);
  if (await isEmpty(db)) {
    await seedDemo(db, { timeZone: env.TZ_BUSINESS, history: true, photos: photoStoreFor(env) });
    console.log('Demo data seeded.');
  } else {
    console.log('The database already holds data; the demo is seeded only into an empty one.');
  }
} finally {
  await close();
}

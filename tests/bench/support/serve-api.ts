/** Runs the API alone for a benchmark, against the database and Redis given in the environment. */
import { createLogger, LoginLimiter, loadEnv, startApiServer, connectRedis } from '@cgp/api';
import { createDatabase } from '@cgp/db';

const env = loadEnv();
const logger = createLogger('silent');
const database = createDatabase(env.DATABASE_URL, { max: 20 });
const redis = connectRedis(env, logger);
const api = await startApiServer(
  { db: database.db, redis, env, logger, loginLimiter: new LoginLimiter(redis, env.REDIS_PREFIX) },
  0,
);
process.send?.({ port: api.port });
// The benchmark that started this process has gone (killed, say): do not linger.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  void api.close().then(async () => {
    redis.disconnect();
    await database.close();
    process.exit(0);
  });
});

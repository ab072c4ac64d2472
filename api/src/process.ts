import { bootstrap } from './bootstrap';
import type { AppDeps } from './deps';
import { ConfigError, loadEnv, type Env } from './env';
import { StartupError } from './infrastructure';
import { createLogger } from './logger';

type Closer = () => Promise<void>;

/**
 * The life of a platform process: validate the configuration, connect, start the parts, and on
 * SIGINT/SIGTERM stop them in reverse order. Start-up problems exit 1 with a message naming
 * what is wrong.
 */
export async function runProcess(
  name: string,
  start: (ctx: { deps: AppDeps; env: Env }) => Promise<Closer[]>,
  options: Parameters<typeof bootstrap>[2] = {},
): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  let booted: Awaited<ReturnType<typeof bootstrap>>;
  let closers: Closer[];
  try {
    booted = await bootstrap(env, logger, options);
    closers = await start({ deps: booted.deps, env });
  } catch (error) {
    if (error instanceof StartupError) {
      console.error(`Cannot start ${name}:\n${error.message}`);
    } else {
      logger.fatal({ err: error }, `cannot start ${name}`);
    }
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `stopping ${name}`);
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    for (const close of [...closers].reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
    await booted.close();
    logger.info(`${name} stopped`);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

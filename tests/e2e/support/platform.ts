import { seedDemo, startApiServer, type ApiServer } from '@cgp/api';
import { createTestDeps, type TestDeps } from '@cgp/api/testing';
import { ensureWebBuilt } from './web-build';

export interface Platform {
  /** Where the API and the built resident app answer, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  deps: TestDeps;
  close(): Promise<void>;
}

/**
 * The whole platform in this process: a database of its own seeded with SPEC §10's demo, and
 * the API serving the built resident app at `/`, on a free port.
 */
export async function startPlatform(): Promise<Platform> {
  const [deps] = await Promise.all([createTestDeps(), ensureWebBuilt()]);
  let server: ApiServer | undefined;
  try {
    await seedDemo(deps.db);
    server = await startApiServer(deps, 0);
  } catch (error) {
    await deps.teardown();
    throw error;
  }
  const running = server;
  return {
    baseUrl: `http://127.0.0.1:${running.port}`,
    deps,
    async close() {
      await running.close();
      await deps.teardown();
    },
  };
}

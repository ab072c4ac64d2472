import { dropStaleTestDatabases, ensureTemplate } from './template';

/** Vitest global setup: build the migrated template once per run, before any test file. */
export default async function setup(): Promise<void> {
  await dropStaleTestDatabases();
  await ensureTemplate();
}

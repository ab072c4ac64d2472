import type { TestProject } from 'vitest/node';
import { DisposableRedisCluster } from './redis-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    redisClusterNodes: string;
  }
}

/**
 * Vitest global setup of the `cluster` project: one 3-master Redis Cluster for the run, provided
 * to that project's test files only (see cluster-setup.ts). The cluster's processes and files are
 * gone when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await DisposableRedisCluster.start();
  project.provide('redisClusterNodes', cluster.nodes.join(','));
  return () => cluster.stop();
}

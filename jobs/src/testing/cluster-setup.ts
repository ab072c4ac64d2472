import { inject } from 'vitest';
import './cluster-global-setup';

// Runs in each test file of the `cluster` project: createTestDeps then puts the file's queues and
// limits on the run's Redis Cluster.
process.env.TEST_REDIS_CLUSTER_NODES = inject('redisClusterNodes');

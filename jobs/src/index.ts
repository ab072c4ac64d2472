export { QUEUES, TIMER_JOBS, type QueueName } from './queues';
export { relayOutboxOnce, startOutboxRelay } from './outbox-relay';
export { startJobs, type Jobs } from './start';
export { startWorkerHost, type WorkerDefinition, type WorkerHost } from './worker-host';

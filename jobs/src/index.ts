export { QUEUES, type QueueName } from './queues';
export { startJobs } from './start';
export { startWorkerHost, type WorkerDefinition, type WorkerHost } from './worker-host';

export { QUEUES, TIMER_JOBS, type QueueName } from '@cgp/api';

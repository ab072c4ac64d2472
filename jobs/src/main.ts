/** Runs the job workers alone (scale them out separately from the API). */
import { runProcess } from '@cgp/api';
import { startJobs } from './start';

// The API process serves the payment sandbox (when there is no Stripe key); workers are its clients.
await runProcess(
  'workers',
  async ({ deps }) => {
    const jobs = await startJobs(deps);
    return [jobs.close];
  },
  { paymentSandbox: 'connect' },
);

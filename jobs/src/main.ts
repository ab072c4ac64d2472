/** Runs the job workers alone (scale them out separately from the API). */
import { runProcess } from '@cgp/api';
import { startJobs } from './start';

await runProcess('workers', async ({ deps }) => {
  const jobs = await startJobs(deps);
  return [jobs.close];
});

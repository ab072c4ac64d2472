import { CronExpressionParser } from 'cron-parser';

/**
 * The last time a cron schedule fell due at least `graceSeconds` before `now`: the run a
 * sweeper expects to have happened by now. Schedules live in Redis and can be lost with it; the
 * cron and its time zone are configuration, so the due time is known without Redis.
 */
export function lastDueTick(
  cron: string,
  timeZone: string,
  graceSeconds: number,
  now = new Date(),
): Date {
  const before = new Date(now.getTime() - graceSeconds * 1000);
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: before }).prev().toDate();
}

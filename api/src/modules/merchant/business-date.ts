/**
 * Calendar days in the business time zone (`TZ_BUSINESS`), as `YYYY-MM-DD`. Pure: the clock and
 * the zone are arguments.
 */
const DAY_MS = 86_400_000;

/** The business-local calendar day of an instant. */
export function businessDateOf(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** `date` moved by whole days; calendar arithmetic, so no zone or daylight saving is involved. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date: ${date}`);
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10);
}

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

/** The zone's offset from UTC at `instant`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant a business-local calendar day begins (its local midnight). */
export function businessDayStart(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(midnightUtc)) throw new RangeError(`Not a date: ${date}`);
  const guess = midnightUtc - offsetAt(midnightUtc, timeZone);
  // Once more at the guess, for zones whose offset changes between the two instants.
  return new Date(midnightUtc - offsetAt(guess, timeZone));
}

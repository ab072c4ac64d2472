/**
 * Times are shown in the business time zone, whatever zone the phone is set to: a resident in
 * 阳光花园 books 09:00 in Shanghai even with a travelling phone.
 */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
/** China has kept UTC+8 without daylight saving since 1991, so a day's bounds are fixed offsets. */
const BUSINESS_UTC_OFFSET = '+08:00';
const DAY_MS = 86_400_000;

const dayKeyFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The business-local calendar day of an instant, as `YYYY-MM-DD`. */
export function businessDay(instant: Date | string): string {
  return dayKeyFormat.format(new Date(instant));
}

/** `count` consecutive business days starting with the day of `now`. */
export function nextBusinessDays(count: number, now: Date = new Date()): string[] {
  const first = Date.parse(`${businessDay(now)}T00:00:00${BUSINESS_UTC_OFFSET}`);
  return Array.from({ length: count }, (_, i) =>
    businessDay(new Date(first + i * DAY_MS + DAY_MS / 2)),
  );
}

/** The instants bounding a business day, as the API's ISO `from`/`to` (end exclusive). */
export function businessDayRange(day: string): { from: string; to: string } {
  const start = Date.parse(`${day}T00:00:00${BUSINESS_UTC_OFFSET}`);
  if (Number.isNaN(start)) throw new RangeError(`Not a day: ${day}`);
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}

/** "09:00" in the business zone. */
export function formatClock(instant: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}

/** Weekday and month/day of a business day in the reader's language, e.g. "周三" and "11月20日". */
export function describeDay(day: string, locale: string): { weekday: string; date: string } {
  // Noon keeps the instant inside the same calendar day in the business zone.
  const noon = new Date(`${day}T12:00:00${BUSINESS_UTC_OFFSET}`);
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: BUSINESS_TIME_ZONE, ...options }).format(noon);
  return {
    weekday: format({ weekday: 'short' }),
    date: format({ month: 'short', day: 'numeric' }),
  };
}

/** A slot as a resident reads it: "11月28日 周五 09:00–11:00" / "Fri, Nov 28 09:00–11:00". */
export function formatSlot(startsAt: string, endsAt: string, locale: string): string {
  const { weekday, date } = describeDay(businessDay(startsAt), locale);
  const day = locale.startsWith('zh') ? `${date} ${weekday}` : `${weekday}, ${date}`;
  return `${day} ${formatClock(startsAt)}–${formatClock(endsAt)}`;
}

/** An instant with its business day: "11月27日 18:05" / "Nov 27 18:05". */
export function formatDateTime(instant: string, locale: string): string {
  const { date } = describeDay(businessDay(instant), locale);
  return `${date} ${formatClock(instant)}`;
}

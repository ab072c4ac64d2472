/**
 * Times are shown in the business time zone, whatever zone the device is set to: a resident in
 * 阳光花园 books 09:00 in Shanghai even with a travelling phone, and an order for 09:00 reads
 * 09:00 on a merchant's laptop set to New York too.
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

/** `day` moved by whole days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a business day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

/** The instants bounding business days `first`..`last` (inclusive), as the API's `from`/`to`. */
export function businessDayRange(first: string, last = first): { from: string; to: string } {
  const start = Date.parse(`${first}T00:00:00${BUSINESS_UTC_OFFSET}`);
  const end = Date.parse(`${addDays(last, 1)}T00:00:00${BUSINESS_UTC_OFFSET}`);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError(`Not a day: ${first}`);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
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

/** "5月20日周二" / "Tue, May 20" for a business day. */
export function formatDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: BUSINESS_TIME_ZONE,
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  }).format(new Date(`${day}T12:00:00${BUSINESS_UTC_OFFSET}`));
}

/** "2025/05/20 09:03" in business time, the same in every language (tables, audit trails). */
export function formatFullDateTime(instant: string | null | undefined): string {
  if (!instant) return '—';
  return `${businessDay(instant).replaceAll('-', '/')} ${formatClock(instant)}`;
}

/** "05/20 09:03": a recent moment, compactly, in business time. */
export function formatShortDateTime(instant: string): string {
  return `${businessDay(instant).slice(5).replace('-', '/')} ${formatClock(instant)}`;
}

/** A countdown: "14:05", or "1:02:03" past an hour; zero and below read "0:00". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

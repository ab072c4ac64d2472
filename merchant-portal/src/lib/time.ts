/**
 * Times are shown in the business time zone, whatever zone the computer is set to: an order for
 * 09:00 in 阳光花园 reads 09:00 on a laptop set to New York too.
 */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
/** China has kept UTC+8 without daylight saving since 1991, so a day's bounds are fixed offsets. */
const BUSINESS_UTC_OFFSET = '+08:00';
const DAY_MS = 86_400_000;

const dayKey = new Intl.DateTimeFormat('en-CA', {
  timeZone: BUSINESS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The business-local calendar day of an instant, `YYYY-MM-DD`. */
export function businessDay(instant: Date | string): string {
  return dayKey.format(new Date(instant));
}

/** `day` moved by whole days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instants bounding business days `first`..`last` (inclusive), as the API's `from`/`to`. */
export function businessDayRange(first: string, last = first): { from: string; to: string } {
  const start = Date.parse(`${first}T00:00:00${BUSINESS_UTC_OFFSET}`);
  const end = Date.parse(`${addDays(last, 1)}T00:00:00${BUSINESS_UTC_OFFSET}`);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError(`Not a day: ${first}`);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

/** ISO weekday of a business day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

function format(instant: Date | string, locale: string, options: Intl.DateTimeFormatOptions) {
  return new Intl.DateTimeFormat(locale, { timeZone: BUSINESS_TIME_ZONE, ...options }).format(
    new Date(instant),
  );
}

/** "09:00". */
export function formatClock(instant: string): string {
  return format(instant, 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** "5月20日 周二" / "Tue, May 20" for a business day. */
export function formatDay(day: string, locale: string): string {
  return format(`${day}T12:00:00${BUSINESS_UTC_OFFSET}`, locale, {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
  });
}

/** "5月20日 周二 09:00–11:00": a slot's day and its hours. */
export function formatSlot(startsAt: string, endsAt: string, locale: string): string {
  return `${formatDay(businessDay(startsAt), locale)} ${formatClock(startsAt)}–${formatClock(endsAt)}`;
}

/** "2025/05/20 09:03" in business time. */
export function formatDateTime(instant: string): string {
  const [day, clock] = [businessDay(instant).replaceAll('-', '/'), formatClock(instant)];
  return `${day} ${clock}`;
}

/** "05/20 09:03": a recent moment, compactly, in business time. */
export function formatShortDateTime(instant: string): string {
  return `${businessDay(instant).slice(5).replace('-', '/')} ${formatClock(instant)}`;
}

/** A countdown: "14:05", or "1:02:03" past an hour; zero and below read "0:00". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

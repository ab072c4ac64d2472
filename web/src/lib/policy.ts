/** A duration in minutes as whole hours where it is whole, e.g. 240 → {hours: 4}, 90 → {minutes: 90}. */
export function splitMinutes(minutes: number): { unit: 'hours' | 'minutes'; n: number } {
  return minutes % 60 === 0 ? { unit: 'hours', n: minutes / 60 } : { unit: 'minutes', n: minutes };
}

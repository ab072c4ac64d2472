/** A duration in minutes as whole hours where it is whole, e.g. 240 → {hours: 4}, 90 → {minutes: 90}. */
export function splitMinutes(minutes: number): { unit: 'hours' | 'minutes'; n: number } {
  return minutes % 60 === 0 ? { unit: 'hours', n: minutes / 60 } : { unit: 'minutes', n: minutes };
}

/** Basis points as a percentage without float noise: 2000 → "20%", 2550 → "25.5%". */
export function formatBps(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const fraction = String(Math.abs(bps % 100))
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}%` : `${whole}%`;
}

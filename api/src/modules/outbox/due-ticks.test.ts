import { describe, expect, it } from 'vitest';
import { lastDueTick } from './due-ticks';

describe('lastDueTick', () => {
  it('is the last 02:00 in Shanghai at least the grace before now', () => {
    const now = new Date('2026-11-30T02:43:00Z'); // 10:43 in Shanghai
    expect(lastDueTick('0 2 * * *', 'Asia/Shanghai', 60, now)).toEqual(
      new Date('2026-11-29T18:00:00Z'),
    );
    // Within the grace after a tick, the run is not overdue yet: the tick before is the one due.
    const justAfter = new Date('2026-11-29T18:00:30Z');
    expect(lastDueTick('0 2 * * *', 'Asia/Shanghai', 60, justAfter)).toEqual(
      new Date('2026-11-28T18:00:00Z'),
    );
  });
});

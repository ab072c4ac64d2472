import { describe, expect, it } from 'vitest';
import { splitMinutes } from './policy';

describe('splitMinutes', () => {
  it('uses hours when they are whole', () => {
    expect(splitMinutes(240)).toEqual({ unit: 'hours', n: 4 });
    expect(splitMinutes(24 * 60)).toEqual({ unit: 'hours', n: 24 });
  });

  it('keeps minutes otherwise', () => {
    expect(splitMinutes(90)).toEqual({ unit: 'minutes', n: 90 });
  });
});

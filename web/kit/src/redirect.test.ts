import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

describe('safeRedirect', () => {
  it('returns to a page of this app', () => {
    expect(safeRedirect('/services/abc?x=1')).toBe('/services/abc?x=1');
    expect(safeRedirect(['/orders'])).toBe('/orders');
  });

  it('never leaves the app', () => {
    for (const target of ['//evil.example', '/\\evil.example', 'https://evil.example', '', null]) {
      expect(safeRedirect(target)).toBe('/');
    }
  });
});

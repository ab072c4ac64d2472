import { describe, expect, it } from 'vitest';
import { startupBanner } from './banner';

describe('startupBanner', () => {
  it('names the three apps, the sandbox and the demo logins', () => {
    const text = startupBanner({
      publicUrl: 'http://localhost:3000',
      sandboxUrl: 'http://127.0.0.1:3001',
      demo: true,
    });
    expect(text).toContain('http://localhost:3000/\n');
    expect(text).toContain('http://localhost:3000/console');
    expect(text).toContain('http://localhost:3000/merchant/');
    expect(text).toContain('http://127.0.0.1:3001');
    expect(text).toContain('demo1234');
    expect(text).toContain('13800000001');
    expect(text).toContain('13700000002');
  });

  it('leaves out the sandbox with real Stripe and the logins outside demo mode', () => {
    const text = startupBanner({
      publicUrl: 'https://shop.example.com',
      sandboxUrl: null,
      demo: false,
    });
    expect(text).not.toContain('沙箱');
    expect(text).not.toContain('demo1234');
  });
});

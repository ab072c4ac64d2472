import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env';

describe('loadEnv', () => {
  it('fills SPEC §11 defaults for a local run', () => {
    const env = loadEnv({ PGUSER: 'postgres' });
    expect(env).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@localhost:5432/community',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PUBLIC_URL: 'http://localhost:3000',
      SETTLEMENT_CRON: '0 2 * * *',
      TZ_BUSINESS: 'Asia/Shanghai',
      DEMO: true,
    });
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it('turns the demo off in production unless asked', () => {
    expect(loadEnv({ NODE_ENV: 'production' }).DEMO).toBe(false);
    expect(loadEnv({ NODE_ENV: 'production', DEMO: 'true' }).DEMO).toBe(true);
  });

  it('names every variable that is wrong', () => {
    const attempt = () =>
      loadEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x/y',
        TZ_BUSINESS: 'Mars/Olympus',
        STRIPE_SECRET_KEY: 'sk_live_x',
      });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'TZ_BUSINESS', 'STRIPE_WEBHOOK_SECRET']) {
        expect(message).toContain(name);
      }
    }
  });
});

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

  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://shop.example.com',
    STRIPE_SECRET_KEY: 'sk_live_x',
    STRIPE_WEBHOOK_SECRET: 'whsec_x',
  };

  it('turns the demo off in production unless asked', () => {
    expect(loadEnv(production).DEMO).toBe(false);
    expect(loadEnv({ ...production, DEMO: 'true' }).DEMO).toBe(true);
  });

  it('refuses the payment sandbox, plain http and unsigned webhooks in production, naming each', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadEnv(env);
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    const bare = problems({ NODE_ENV: 'production' });
    expect(bare).toContain('STRIPE_SECRET_KEY: is required in production');
    expect(bare).toContain('STRIPE_WEBHOOK_SECRET: is required in production');
    expect(bare).toContain('PUBLIC_URL: is required in production');
    expect(problems({ ...production, PUBLIC_URL: 'http://shop.example.com' })).toContain(
      'PUBLIC_URL: must be https:// in production',
    );
    expect(problems({ ...production, STRIPE_WEBHOOK_SECRET: '' })).toContain(
      'STRIPE_WEBHOOK_SECRET',
    );
    expect(problems(production)).toBe('');
  });

  it('binds the payment sandbox to loopback unless told otherwise', () => {
    expect(loadEnv({ PUBLIC_URL: 'http://192.168.1.5:3000' }).STRIPE_SANDBOX_HOST).toBe(
      '127.0.0.1',
    );
    expect(loadEnv({ STRIPE_SANDBOX_HOST: '0.0.0.0' }).STRIPE_SANDBOX_HOST).toBe('0.0.0.0');
  });

  it('reads a Redis Cluster as its seed nodes, and refuses a list that is not host:port', () => {
    expect(loadEnv({}).REDIS_CLUSTER_NODES).toEqual([]);
    expect(
      loadEnv({ REDIS_CLUSTER_NODES: 'redis-0.internal:6379,10.0.0.7:7001' }).REDIS_CLUSTER_NODES,
    ).toEqual(['redis-0.internal:6379', '10.0.0.7:7001']);
    expect(() => loadEnv({ REDIS_CLUSTER_NODES: 'redis://a:1' })).toThrow(/REDIS_CLUSTER_NODES/);
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

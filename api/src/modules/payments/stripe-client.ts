import type pg from 'pg';
import type Stripe from 'stripe';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import type { PaymentSandbox, PaymentSandboxOptions } from '../../payments/sandbox';

/** The payment processor as the rest of the platform sees it: real Stripe or the sandbox. */
export interface Payments {
  stripe: Stripe;
  /** Verifies `POST /webhooks/stripe` (`stripe.webhooks.constructEvent`). */
  webhookSecret: string;
  /** The embedded sandbox, when this process serves it; null with real Stripe or in `connect` mode. */
  sandbox: PaymentSandbox | null;
  close(): Promise<void>;
}

export interface PaymentsOptions {
  env: Env;
  /** The product's pool: the sandbox keeps its state in its own schema of the same database. */
  pool: pg.Pool;
  logger: Logger;
  /**
   * Without STRIPE_SECRET_KEY: `serve` starts the sandbox in this process (the API, `npm start`);
   * `connect` talks to the sandbox a sibling API process serves (a separate worker process),
   * so two processes never fight over its port.
   */
  sandbox?: 'serve' | 'connect';
  /** Overrides for a served sandbox (tests: port 0, no endpoints yet, fast webhook retries). */
  sandboxOptions?: Partial<PaymentSandboxOptions>;
}

// The SDK retries 5xx, 429 and network errors itself, reusing the request's idempotency key.
const SDK_DEFAULTS = { maxNetworkRetries: 2, timeout: 20_000 } satisfies Stripe.StripeConfig;

/**
 * Where the sandbox listens (loopback unless STRIPE_SANDBOX_HOST says otherwise: its pages mark
 * orders paid with no money) and where a browser reaches its hosted pages: PUBLIC_URL's host
 * on the sandbox's port.
 */
function sandboxAddress(env: Env): { host: string; publicUrl?: string } {
  const { hostname } = new URL(env.PUBLIC_URL);
  // A fixed port lets links name it before listening; with port 0 the sandbox names its own.
  const publicUrl = env.STRIPE_SANDBOX_PORT
    ? `http://${hostname}:${env.STRIPE_SANDBOX_PORT}`
    : undefined;
  return { host: env.STRIPE_SANDBOX_HOST, publicUrl };
}

/** The one place the platform's Stripe client is made (SPEC §5). */
export async function createPayments(options: PaymentsOptions): Promise<Payments> {
  const { env } = options;
  if (env.STRIPE_SECRET_KEY) {
    // Loaded when first needed, so a process that fails fast at start-up never pays for it.
    const { default: StripeClient } = await import('stripe');
    return {
      stripe: new StripeClient(env.STRIPE_SECRET_KEY, SDK_DEFAULTS),
      // loadEnv refuses a secret key without a webhook secret.
      webhookSecret: env.STRIPE_WEBHOOK_SECRET!,
      sandbox: null,
      close: () => Promise.resolve(),
    };
  }
  if (options.sandbox === 'connect') return connectToSandbox(options);

  // Loaded only when used: a process with a real key (or one failing fast at start-up) skips it.
  const { startPaymentSandbox } = await import('../../payments/sandbox');
  const sandbox = await startPaymentSandbox({
    pool: options.pool,
    port: env.STRIPE_SANDBOX_PORT,
    ...sandboxAddress(env),
    webhookEndpoints: [{ url: `${env.PUBLIC_URL}/webhooks/stripe` }],
    logger: options.logger,
    ...options.sandboxOptions,
  });
  return {
    stripe: sandbox.stripe(SDK_DEFAULTS),
    webhookSecret: sandbox.webhookSecret,
    sandbox,
    close: () => sandbox.close(),
  };
}

/**
 * A client of the sandbox another process serves on STRIPE_SANDBOX_PORT. The keys live in the
 * database; whichever process comes first creates them, exactly as the sandbox itself would.
 */
async function connectToSandbox({ env, pool }: PaymentsOptions): Promise<Payments> {
  const [{ randomToken }, { ensureSandboxSchema, persistentSetting }, { newWebhookSecret }] =
    await Promise.all([
      import('../../payments/sandbox/ids'),
      import('../../payments/sandbox/schema'),
      import('../../payments/sandbox/webhook-endpoints'),
    ]);
  const { default: StripeClient } = await import('stripe');
  await ensureSandboxSchema(pool);
  const secretKey = await persistentSetting(pool, 'secret_key', `sk_test_${randomToken(40)}`);
  const webhookSecret = await persistentSetting(pool, 'webhook_secret', newWebhookSecret());
  return {
    stripe: new StripeClient(secretKey, {
      ...SDK_DEFAULTS,
      host: '127.0.0.1',
      port: env.STRIPE_SANDBOX_PORT,
      protocol: 'http',
      telemetry: false,
    }),
    webhookSecret,
    sandbox: null,
    close: () => Promise.resolve(),
  };
}

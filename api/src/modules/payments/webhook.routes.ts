import express, { type Express, type Router } from 'express';
import type Stripe from 'stripe';
import type { AppDeps } from '../../deps';
import { receiveStripeEvent } from './stripe-events';

/** Stripe's events are a few kilobytes; this leaves room without inviting abuse. */
const MAX_EVENT_BYTES = 512 * 1024;

/**
 * `POST /webhooks/stripe`: the only way an order becomes paid. The signature is checked on the
 * raw bytes (a parsed and re-serialised body would not verify); anything unverified gets 400 and
 * is never written.
 */
export function stripeWebhookRoutes(deps: AppDeps): Router {
  const routes = express.Router();
  routes.post(
    '/webhooks/stripe',
    express.raw({ type: 'application/json', limit: MAX_EVENT_BYTES }),
    async (req, res) => {
      const payments = deps.payments;
      if (!payments) {
        res.status(503).json({ error: { message: 'Payments are not available' } });
        return;
      }
      let event: Stripe.Event;
      try {
        if (!Buffer.isBuffer(req.body)) throw new Error('the body is not application/json');
        event = payments.stripe.webhooks.constructEvent(
          req.body,
          req.get('stripe-signature') ?? '',
          payments.webhookSecret,
        );
      } catch (error) {
        deps.logger.warn({ err: error }, 'refused a webhook that does not verify');
        res.status(400).json({ error: { message: 'Webhook signature verification failed' } });
        return;
      }
      try {
        const outcome = await receiveStripeEvent(deps, event);
        res.json({ received: true, duplicate: outcome === 'duplicate' });
      } catch (error) {
        // Nothing was stored, so Stripe's retry will apply the event afresh.
        deps.logger.error({ err: error, eventId: event.id, type: event.type }, 'webhook failed');
        res.status(500).json({ error: { message: 'Internal error' } });
      }
    },
  );
  return routes;
}

/** For `startApiServer(deps, port, { mount })`: the payment routes every API server carries. */
export function mountPaymentRoutes(deps: AppDeps): (app: Express) => void {
  return (app) => app.use(stripeWebhookRoutes(deps));
}

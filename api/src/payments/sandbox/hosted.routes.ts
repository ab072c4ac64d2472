import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { attemptCheckoutPayment } from './checkout-payment.service';
import { completeOnboarding, openOnboardingLink } from './connect.service';
import { invalidRequest, SandboxError } from './errors';
import { checkoutPage, messagePage, onboardingPage, successRedirect, testToolsPage } from './pages';
import { parseParams } from './params';
import { PAYMENT_METHOD_TYPES } from './payment.objects';
import { getObject, transaction } from './store';
import { paymentUnderTest, runTestAction, testActionParams } from './test-tools';

const DONE: Record<string, string> = {
  refund: '已在后台退款 · Refunded in the Dashboard',
  dispute: '已发起拒付 · Dispute opened',
  dispute_won: '争议已判平台胜诉 · Dispute won',
  dispute_lost: '争议已判平台败诉 · Dispute lost',
  reverse: '转账已冲正 · Transfer reversed',
};

const payParams = z.object({
  outcome: z.enum(['succeeded', 'failed']),
  payment_method: z.enum(PAYMENT_METHOD_TYPES).optional(),
});

const onboardParams = z.object({ outcome: z.literal('completed') });

/** A script asks for JSON; a browser's form post gets redirected like a real hosted page would. */
function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

function pageUrl(req: Request): string {
  return req.originalUrl.split('?')[0]!;
}

/**
 * The pages Stripe would host: Checkout (`/c/pay/:session`) and Connect onboarding
 * (`/setup/e/:account/:token`). Their URLs are the credential, as with Stripe's, so there is no
 * API key here.
 */
export function hostedRoutes(pool: pg.Pool, afterCommit: () => void): Router {
  const router = express.Router();
  const form = [
    express.urlencoded({ extended: false, limit: '16kb' }),
    express.json({ limit: '16kb' }),
  ];

  router.get('/c/pay/:id', async (req, res) => {
    const session = await getObject(pool, 'checkout.session', req.params.id);
    const notice = req.query.declined === '1' ? 'declined' : null;
    res.type('html').send(checkoutPage(session.data, session.internal.line_items, notice));
  });

  router.post('/c/pay/:id', ...form, async (req, res) => {
    const { outcome, payment_method } = parseParams(payParams, req.body ?? {});
    const attempt = await transaction(pool, (tx) =>
      attemptCheckoutPayment(tx, req.params.id, outcome, payment_method),
    );
    afterCommit();
    const { session } = attempt;
    const redirect =
      attempt.outcome === 'succeeded'
        ? successRedirect(session)
        : attempt.outcome === 'failed'
          ? (session.cancel_url ?? `${pageUrl(req)}?declined=1`)
          : pageUrl(req);
    if (wantsJson(req)) {
      res.status(attempt.outcome === 'expired' ? 400 : 200).json({
        outcome: attempt.outcome,
        checkout_session: session,
        payment_intent: attempt.paymentIntent,
        redirect_url: redirect,
      });
      return;
    }
    res.redirect(303, redirect ?? pageUrl(req));
  });

  // The test page of a payment (its PaymentIntent id is the credential, like a Checkout URL).
  router.get('/test/payments/:id', async (req, res) => {
    const payment = await paymentUnderTest(pool, req.params.id);
    const done = typeof req.query.done === 'string' ? (DONE[req.query.done] ?? null) : null;
    res.type('html').send(testToolsPage(payment, done));
  });

  router.post('/test/payments/:id', ...form, async (req, res) => {
    const action = parseParams(testActionParams, req.body ?? {});
    await transaction(pool, async (tx) =>
      runTestAction(tx, await paymentUnderTest(tx, req.params.id), action),
    );
    afterCommit();
    if (wantsJson(req)) {
      res.json({ outcome: action.action, payment: await paymentUnderTest(pool, req.params.id) });
      return;
    }
    res.redirect(303, `${pageUrl(req)}?done=${action.action}`);
  });

  router.get('/setup/e/:account/:token', async (req, res) => {
    const link = await openOnboardingLink(pool, req.params.account, req.params.token);
    if (!link.usable) {
      res.redirect(303, link.refreshUrl);
      return;
    }
    res.type('html').send(onboardingPage(link.account, link.returnUrl));
  });

  router.post('/setup/e/:account/:token', ...form, async (req, res) => {
    parseParams(onboardParams, req.body ?? {});
    const result = await transaction(pool, (tx) =>
      completeOnboarding(tx, req.params.account, req.params.token),
    );
    afterCommit();
    if (!wantsJson(req)) {
      res.redirect(303, result.usable ? result.returnUrl : result.refreshUrl);
      return;
    }
    if (!result.usable) {
      throw invalidRequest('This account link has expired or was already used; create a new one.', {
        code: 'account_link_expired',
      });
    }
    res.json({ outcome: 'completed', account: result.account, redirect_url: result.returnUrl });
  });

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof SandboxError)) return next(error);
    if (wantsJson(req)) {
      res.status(error.status).json(error.toBody());
      return;
    }
    res
      .status(error.status)
      .type('html')
      .send(messagePage('出错了 · Something is wrong', error.message));
  });
  return router;
}

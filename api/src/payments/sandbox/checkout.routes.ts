import { z } from 'zod';
import type { ApiRoutes } from './api';
import { createCheckoutSession, expireCheckoutSession } from './checkout.service';
import { sessionLineItems } from './expand';
import {
  currencyParam,
  expandParam,
  intParam,
  listParams,
  metadataParam,
  nonEmpty,
  timestampParam,
} from './params';
import { PAYMENT_METHOD_TYPES } from './payment.objects';
import { getObject, listObjects, pageOf } from './store';

const httpUrl = z.url({ protocol: /^https?$/ });

const lineItem = z.strictObject({
  quantity: intParam({ min: 1, max: 999_999 }),
  price_data: z.strictObject({
    currency: currencyParam,
    unit_amount: intParam({ min: 0 }),
    product_data: z.strictObject({
      name: nonEmpty,
      description: z.string().optional(),
      metadata: metadataParam,
    }),
  }),
});

const createParams = z.strictObject({
  mode: z.literal('payment', { error: 'The payment sandbox supports only mode=payment.' }),
  line_items: z.array(lineItem).min(1).max(100),
  allowed_payment_method_types: z.array(z.enum(PAYMENT_METHOD_TYPES)).min(1).optional(),
  // The parameter older API versions (and SDKs before v23) send instead.
  payment_method_types: z.array(z.enum(PAYMENT_METHOD_TYPES)).min(1).optional(),
  // Accepted because Stripe requires `wechat_pay[client]`; nothing in the sandbox depends on it.
  payment_method_options: z.record(z.string(), z.unknown()).optional(),
  success_url: httpUrl,
  cancel_url: httpUrl.optional(),
  metadata: metadataParam,
  client_reference_id: z.string().max(200).optional(),
  customer_email: z.email().optional(),
  expires_at: timestampParam.optional(),
  locale: z.enum(['auto', 'en', 'zh', 'zh-HK', 'zh-TW']).optional(),
  ui_mode: z.literal('hosted_page').optional(),
  payment_intent_data: z
    .strictObject({
      transfer_group: nonEmpty.optional(),
      metadata: metadataParam,
      description: z.string().optional(),
    })
    .optional(),
  expand: expandParam,
});

const expandOnly = z.strictObject({ expand: expandParam });

const listSessionParams = z.strictObject({
  ...listParams,
  payment_intent: nonEmpty.optional(),
  status: z.enum(['open', 'complete', 'expired']).optional(),
});

/** Checkout Sessions, and the PaymentIntents and Charges they create. */
export function checkoutRoutes(api: ApiRoutes, publicUrl: string): void {
  api.post('/checkout/sessions', createParams, ({ db }, params) =>
    createCheckoutSession(db, params, publicUrl),
  );
  api.get('/checkout/sessions', listSessionParams, ({ db }, params) =>
    listObjects(
      db,
      'checkout.session',
      { payment_intent: params.payment_intent, status: params.status },
      { ...params, limit: params.limit ?? 10 },
      '/v1/checkout/sessions',
    ),
  );
  api.get('/checkout/sessions/:id', expandOnly, async ({ db, path }) => {
    return (await getObject(db, 'checkout.session', path.id!)).data;
  });
  api.get(
    '/checkout/sessions/:id/line_items',
    z.strictObject(listParams),
    async ({ db, path }, params) => {
      const all = await sessionLineItems(db, path.id!);
      return pageOf(all.data, params, all.url, 'line_item');
    },
  );
  api.post('/checkout/sessions/:id/expire', expandOnly, ({ db, path, request }) =>
    expireCheckoutSession(db, path.id!, request),
  );
  api.get('/payment_intents/:id', expandOnly, async ({ db, path }) => {
    return (await getObject(db, 'payment_intent', path.id!)).data;
  });
  api.get('/charges/:id', expandOnly, async ({ db, path }) => {
    return (await getObject(db, 'charge', path.id!)).data;
  });
}

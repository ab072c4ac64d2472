import { z } from 'zod';
import type { ApiRoutes } from './api';
import { expandParam, intParam, listParams, metadataParam, nonEmpty } from './params';
import { createRefund } from './refunds.service';
import { getObject, listObjects } from './store';

const createParams = z.strictObject({
  payment_intent: nonEmpty.optional(),
  charge: nonEmpty.optional(),
  amount: intParam({ min: 1 }).optional(),
  metadata: metadataParam,
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  expand: expandParam,
});

const listRefundParams = z.strictObject({
  ...listParams,
  payment_intent: nonEmpty.optional(),
  charge: nonEmpty.optional(),
});

export function refundRoutes(api: ApiRoutes): void {
  api.post('/refunds', createParams, ({ db, request }, params) =>
    createRefund(db, params, request),
  );
  api.get('/refunds', listRefundParams, ({ db }, params) =>
    listObjects(
      db,
      'refund',
      { payment_intent: params.payment_intent, charge: params.charge },
      { ...params, limit: params.limit ?? 10 },
      '/v1/refunds',
    ),
  );
  api.get('/refunds/:id', z.strictObject({ expand: expandParam }), async ({ db, path }) => {
    return (await getObject(db, 'refund', path.id!)).data;
  });
}

import { z } from 'zod';
import type { ApiRoutes } from './api';
import { closeDispute, openDispute } from './disputes.service';
import { AUTOMATIC } from './events';
import { expandParam, intParam, listParams, metadataParam, nonEmpty } from './params';
import { createRefund, failRefundAfterSuccess } from './refunds.service';
import { getObject, listObjects } from './store';
import { createTransferReversal } from './transfers.service';

const expandOnly = z.strictObject({ expand: expandParam });

/**
 * Disputes as Stripe serves them, plus `test_helpers` for what only the outside world does there:
 * a card network opening or deciding a dispute, someone refunding or reversing in the Dashboard.
 * What these make carries no request (`request.id` null), as Dashboard and network actions do.
 */
export function disputeRoutes(api: ApiRoutes): void {
  api.get(
    '/disputes',
    z.strictObject({ ...listParams, charge: nonEmpty.optional() }),
    ({ db }, p) =>
      listObjects(
        db,
        'dispute',
        { charge: p.charge },
        { ...p, limit: p.limit ?? 10 },
        '/v1/disputes',
      ),
  );
  api.get('/disputes/:id', expandOnly, async ({ db, path }) => {
    return (await getObject(db, 'dispute', path.id!)).data;
  });
  // Accepting a dispute is conceding it: Stripe closes it as lost.
  api.post('/disputes/:id/close', expandOnly, ({ db, path, request }) =>
    closeDispute(db, path.id!, 'lost', request),
  );

  api.post(
    '/test_helpers/charges/:id/dispute',
    z.strictObject({
      amount: intParam({ min: 1 }).optional(),
      reason: z.enum(['fraudulent', 'duplicate', 'product_not_received', 'general']).optional(),
      expand: expandParam,
    }),
    ({ db, path }, params) => openDispute(db, path.id!, params, AUTOMATIC),
  );
  api.post(
    '/test_helpers/disputes/:id/close',
    z.strictObject({ outcome: z.enum(['won', 'lost']), expand: expandParam }),
    ({ db, path }, params) => closeDispute(db, path.id!, params.outcome, AUTOMATIC),
  );
  api.post(
    '/test_helpers/charges/:id/dashboard_refund',
    z.strictObject({ amount: intParam({ min: 1 }).optional(), expand: expandParam }),
    ({ db, path }, params) =>
      createRefund(db, { charge: path.id!, amount: params.amount }, AUTOMATIC),
  );
  api.post('/test_helpers/refunds/:id/fail', expandOnly, ({ db, path }) =>
    failRefundAfterSuccess(db, path.id!, AUTOMATIC),
  );
  api.post(
    '/test_helpers/transfers/:id/dashboard_reversal',
    z.strictObject({
      amount: intParam({ min: 1 }).optional(),
      metadata: metadataParam,
      expand: expandParam,
    }),
    ({ db, path }, params) => createTransferReversal(db, path.id!, params, AUTOMATIC),
  );
}

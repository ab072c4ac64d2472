import type Stripe from 'stripe';
import { z } from 'zod';
import type { ApiRoutes } from './api';
import {
  currencyParam,
  expandParam,
  intParam,
  listParams,
  metadataParam,
  nonEmpty,
} from './params';
import { getObject, listObjects, pageOf } from './store';
import { createTransfer, createTransferReversal } from './transfers.service';

const createParams = z.strictObject({
  amount: intParam({ min: 1 }),
  currency: currencyParam,
  destination: nonEmpty,
  transfer_group: nonEmpty.optional(),
  source_transaction: nonEmpty.optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  expand: expandParam,
});

const listTransferParams = z.strictObject({
  ...listParams,
  destination: nonEmpty.optional(),
  transfer_group: nonEmpty.optional(),
});

const reversalParams = z.strictObject({
  amount: intParam({ min: 1 }).optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  expand: expandParam,
});

export function transferRoutes(api: ApiRoutes): void {
  api.post('/transfers', createParams, ({ db, request }, params) =>
    createTransfer(db, params, request),
  );
  api.get('/transfers', listTransferParams, ({ db }, params) =>
    listObjects(
      db,
      'transfer',
      { destination: params.destination, transfer_group: params.transfer_group },
      { ...params, limit: params.limit ?? 10 },
      '/v1/transfers',
    ),
  );
  api.get('/transfers/:id', z.strictObject({ expand: expandParam }), async ({ db, path }) => {
    return (await getObject(db, 'transfer', path.id!)).data;
  });
  api.post('/transfers/:id/reversals', reversalParams, ({ db, path, request }, params) =>
    createTransferReversal(db, path.id!, params, request),
  );
  api.get(
    '/transfers/:id/reversals',
    z.strictObject(listParams),
    async ({ db, path }, params): Promise<Stripe.ApiList<Stripe.TransferReversal>> => {
      const { data: transfer } = await getObject(db, 'transfer', path.id!);
      return pageOf(
        transfer.reversals.data,
        params,
        `/v1/transfers/${transfer.id}/reversals`,
        'transfer_reversal',
      );
    },
  );
}

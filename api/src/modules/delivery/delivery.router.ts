import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure } from '../../trpc';
import { createWorkerInput, updateWorkerInput } from './delivery.schema';
import { createWorker, listWorkers, updateWorker } from './workers.service';

/** `merchant.workers.*`: the owner keeps the merchant's workers. */
export const merchantWorkersRouter = {
  list: merchantOwnerProcedure.query(({ ctx }) => listWorkers(ctx.db, ctx.actor)),
  create: merchantOwnerProcedure
    .input(createWorkerInput)
    .mutation(({ ctx, input }) => createWorker(ctx.db, ctx.actor, input)),
  update: merchantOwnerProcedure
    .input(updateWorkerInput)
    .mutation(({ ctx, input }) => updateWorker(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;

import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure, merchantProcedure } from '../../trpc';
import { listServicesInput, serviceIdInput } from '../catalog/catalog.schema';
import { getService, listServices } from '../catalog/catalog.service';
import { createServiceInput, setServiceActiveInput, updateServiceInput } from './merchant.schema';
import {
  createMerchantService,
  setMerchantServiceActive,
  updateMerchantService,
} from './services.service';

/** `merchant.services.*`: staff read their merchant's services (active or not); owners edit them. */
export const merchantServicesRouter = {
  // The catalog already scopes merchant staff to their own merchant's services.
  list: merchantProcedure
    .input(listServicesInput)
    .query(({ ctx, input }) => listServices(ctx.db, ctx.actor, input)),
  get: merchantProcedure
    .input(serviceIdInput)
    .query(({ ctx, input }) => getService(ctx.db, ctx.actor, input.id)),
  create: merchantOwnerProcedure
    .input(createServiceInput)
    .mutation(({ ctx, input }) => createMerchantService(ctx.db, ctx.actor, input)),
  update: merchantOwnerProcedure
    .input(updateServiceInput)
    .mutation(({ ctx, input }) => updateMerchantService(ctx.db, ctx.actor, input)),
  setActive: merchantOwnerProcedure
    .input(setServiceActiveInput)
    .mutation(({ ctx, input }) => setMerchantServiceActive(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;

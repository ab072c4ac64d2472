import type { TRPCRouterRecord } from '@trpc/server';
import { merchantOwnerProcedure, merchantProcedure } from '../../trpc';
import { listSlotsInput } from '../catalog/catalog.schema';
import { listSlots } from '../catalog/catalog.service';
import { closeDayInput, setSlotCapacityInput, slotTemplateInput } from './merchant.schema';
import {
  applySlotTemplate,
  closeServiceDay,
  previewSlotTemplate,
  setSlotCapacity,
} from './schedule.service';

/** `merchant.schedule.*`: slots of the merchant's services; owners change them. */
export const merchantScheduleRouter = {
  slots: merchantProcedure
    .input(listSlotsInput)
    .query(({ ctx, input }) => listSlots(ctx.db, ctx.actor, input)),
  previewTemplate: merchantOwnerProcedure
    .input(slotTemplateInput)
    .query(({ ctx, input }) => previewSlotTemplate(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
  applyTemplate: merchantOwnerProcedure
    .input(slotTemplateInput)
    .mutation(({ ctx, input }) => applySlotTemplate(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
  setCapacity: merchantOwnerProcedure
    .input(setSlotCapacityInput)
    .mutation(({ ctx, input }) => setSlotCapacity(ctx.db, ctx.actor, input)),
  closeDay: merchantOwnerProcedure
    .input(closeDayInput)
    .mutation(({ ctx, input }) => closeServiceDay(ctx.db, ctx.actor, input, ctx.env.TZ_BUSINESS)),
} satisfies TRPCRouterRecord;

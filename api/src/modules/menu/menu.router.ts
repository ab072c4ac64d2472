import type { TRPCRouterRecord } from '@trpc/server';
import { marketProcedure, merchantOwnerProcedure, merchantProcedure } from '../../trpc';
import {
  createDishInput,
  dishIdInput,
  menuInput,
  setDishAvailableInput,
  updateDishInput,
} from './menu.schema';
import {
  createDish,
  listMenu,
  listMerchantDishes,
  removeDish,
  setDishAvailable,
  updateDish,
} from './menu.service';

/** `merchant.dishes.*`: staff read their meal services' menus; owners edit them. */
export const merchantDishesRouter = {
  list: merchantProcedure
    .input(menuInput)
    .query(({ ctx, input }) => listMerchantDishes(ctx.db, ctx.actor, input.serviceId)),
  create: merchantOwnerProcedure
    .input(createDishInput)
    .mutation(({ ctx, input }) => createDish(ctx.db, ctx.actor, input)),
  update: merchantOwnerProcedure
    .input(updateDishInput)
    .mutation(({ ctx, input }) => updateDish(ctx.db, ctx.actor, input)),
  setAvailable: merchantOwnerProcedure
    .input(setDishAvailableInput)
    .mutation(({ ctx, input }) => setDishAvailable(ctx.db, ctx.actor, input)),
  remove: merchantOwnerProcedure
    .input(dishIdInput)
    .mutation(({ ctx, input }) => removeDish(ctx.db, ctx.actor, input.id)),
} satisfies TRPCRouterRecord;

/** `catalog.menu`: a meal service's dishes, for whoever may see the service. */
export const catalogMenuProcedure = marketProcedure
  .input(menuInput)
  .query(({ ctx, input }) => listMenu(ctx.db, ctx.actor, input.serviceId));

/**
 * What the Vue apps may import from the server: types and shared zod schemas only.
 * Nothing here may pull server code into a browser bundle.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export { loginInput, phoneSchema } from './modules/identity/auth.schema';
export {
  pricingUnits,
  serviceCategories,
  type ServiceCategory,
} from './modules/catalog/catalog.schema';
export { careRecipientSchema, createBookingInput } from './modules/booking/booking.schema';
export {
  cancelOrderInput,
  disputeOrderInput,
  reviewOrderInput,
  reasonSchema,
} from './modules/orders/orders.schema';
export { ORDER_STATUSES, type OrderStatus } from './modules/orders/order-states';
export { checkoutInput } from './modules/payments/payment.schema';
export {
  createServiceInput,
  MAX_TEMPLATE_WEEKS,
  slotTemplateInput,
} from './modules/merchant/merchant.schema';

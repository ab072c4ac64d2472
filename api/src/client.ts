/**
 * What the Vue apps may import from the server: types and shared zod schemas only.
 * Nothing here may pull server code into a browser bundle.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './router';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export { changePasswordInput, loginInput, phoneSchema } from './modules/identity/auth.schema';
export {
  pricingUnits,
  serviceCategories,
  type ServiceCategory,
} from './modules/catalog/catalog.schema';
export {
  CARE_AGE,
  careRecipientSchema,
  createBookingInput,
  quantityLimits,
  quantitySchema,
} from './modules/booking/booking.schema';
export {
  cancelOrderInput,
  disputeOrderInput,
  disputeStatementInput,
  MAX_ORDER_PHOTOS,
  reviewOrderInput,
  reasonSchema,
} from './modules/orders/orders.schema';
export {
  ORDER_STATUSES,
  ORDER_TABS,
  type OrderStatus,
  type OrderTab,
} from './modules/orders/order-states';
export {
  ORDER_ACTOR_KINDS,
  ORDER_EVENT_KINDS,
  ORDER_MODES,
  SERVICE_RINGS,
  SLA_STEPS,
} from '@cgp/db/order-values';
export {
  JOURNAL_KINDS,
  MERCHANT_STAFF_ROLES,
  MERCHANT_STATUSES,
  PAYMENT_STATUSES,
  PRICING_UNITS,
  REFUND_STATUSES,
  SERVICE_CATEGORIES,
  STATEMENT_STATUSES,
  USER_ROLES,
} from '@cgp/db/enum-values';
export { ACCOUNTS, PAYABLE_PREFIX } from './modules/ledger/accounts';
export {
  createFamilyMemberInput,
  familyMemberFields,
  MAX_FAMILY_MEMBERS,
} from './modules/household/family.schema';
export { checkoutInput } from './modules/payments/payment.schema';
export { deskPhoneSchema, serviceDeskInput } from './modules/service-desk/service-desk.schema';
export {
  cartPortions,
  cartSchema,
  dishFields,
  linesInWords,
  MAX_DISH_PORTIONS,
  MAX_DISH_PRICE_FEN,
  type OrderLine,
} from './modules/menu/menu.schema';
export {
  assignOrderInput,
  createWorkerInput,
  updateWorkerInput,
} from './modules/delivery/delivery.schema';
export {
  createServiceInput,
  MAX_TEMPLATE_WEEKS,
  slotTemplateInput,
} from './modules/merchant/merchant.schema';
export {
  accountLabel,
  LABELS,
  labelOf,
  refundCauseLabel,
  type LabelGroup,
  type LabelPair,
} from './labels';

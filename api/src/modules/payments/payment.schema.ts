import { z } from 'zod';

/** `payment.checkout`: pay one of the resident's own orders (zod only: shared with the apps). */
export const checkoutInput = z.object({ orderId: z.string().uuid() });

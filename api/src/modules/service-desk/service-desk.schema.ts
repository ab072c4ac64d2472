import { z } from 'zod';

/**
 * A number a resident can dial: a landline with its area code (0571-88886666), a hotline
 * (400-800-1234) or a mobile; digits with optional hyphens.
 */
export const deskPhoneSchema = z
  .string()
  .trim()
  .regex(/^\d(?:-?\d){4,15}$/, 'Enter a phone number: digits, optionally with hyphens');

/** `console.serviceDesk.set`: the property service desk (客服) residents see in 我的. */
export const serviceDeskInput = z.object({
  phone: deskPhoneSchema,
  hours: z.string().trim().min(1, 'Enter the opening hours').max(40),
});
export type ServiceDeskInput = z.infer<typeof serviceDeskInput>;

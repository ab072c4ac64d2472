import { z } from 'zod';

/** Mainland China mobile numbers: 11 digits starting 13–19. */
export const phoneSchema = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, 'Phone must be an 11-digit mainland mobile number');

export const loginInput = z.object({
  phone: phoneSchema,
  password: z.string().min(1, 'Password is required').max(200, 'Password is too long'),
  /** Non-browser clients (a WeChat mini-program) ask for the token to send as a Bearer header. */
  tokenInBody: z.boolean().optional(),
});
export type LoginInput = z.infer<typeof loginInput>;

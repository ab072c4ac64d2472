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

/** A new password: long enough to resist guessing (NIST 800-63B: at least 8), not absurdly long. */
export const newPasswordSchema = z
  .string()
  .min(8, 'The new password must have at least 8 characters')
  .max(200, 'Password is too long');

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, 'Password is required').max(200, 'Password is too long'),
    newPassword: newPasswordSchema,
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    message: 'The new password must differ from the current one',
    path: ['newPassword'],
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

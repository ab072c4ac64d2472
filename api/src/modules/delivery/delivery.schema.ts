import { z } from 'zod';
import { phoneSchema } from '../identity/auth.schema';
import { serviceCategories } from '../catalog/catalog.schema';

const workerName = z.string().trim().min(1, 'Please enter a name').max(30);
const workerCategories = z
  .array(z.enum(serviceCategories))
  .min(1, 'Choose at least one kind of service')
  .max(serviceCategories.length)
  .transform((list) => [...new Set(list)]);
const workerPassword = z.string().min(8, 'At least 8 characters').max(128);

/** `merchant.workers.create`: a staff member who signs in to the worker view. */
export const createWorkerInput = z.object({
  name: workerName,
  phone: phoneSchema,
  categories: workerCategories,
  password: workerPassword,
});

export const updateWorkerInput = z.object({
  id: z.string().uuid(),
  name: workerName.optional(),
  phone: phoneSchema.optional(),
  categories: workerCategories.optional(),
  active: z.boolean().optional(),
  password: workerPassword.optional(),
});

export const assignOrderInput = z.object({ id: z.string().uuid(), workerId: z.string().uuid() });

export type CreateWorkerInput = z.infer<typeof createWorkerInput>;
export type UpdateWorkerInput = z.infer<typeof updateWorkerInput>;

import { z } from 'zod';

/** Pagination inputs, shared with the apps (zod only: safe in a browser bundle). */
export const cursorInput = z.string().max(200).optional();
export const limitInput = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback);

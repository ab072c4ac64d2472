import { z } from 'zod';

/** An ISO-8601 timestamp with an offset, as every API field that carries time uses. */
export const isoDateTime = z.iso.datetime({ offset: true });

export const toIso = (d: Date): string => d.toISOString();

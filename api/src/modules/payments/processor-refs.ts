import { z } from 'zod';

const uuid = z.string().uuid();

/**
 * Our id carried by a Stripe object (`metadata.order_id`, `client_reference_id`, …). Events about
 * objects we did not create carry none, or something else: those are only stored.
 */
export function ourId(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    if (uuid.safeParse(candidate).success) return candidate!;
  }
  return null;
}

/** The id of a Stripe field that is an id, or the object when expanded. */
export function idOf(field: string | { id: string } | null | undefined): string | null {
  if (!field) return null;
  return typeof field === 'string' ? field : field.id;
}

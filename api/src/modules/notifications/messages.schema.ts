import { z } from 'zod';
import { limitInput } from '../../lib/pagination';

/** A message id is its order event's id (a bigserial), sent as a string. */
const messageId = z.string().regex(/^[1-9]\d{0,17}$/, 'Not a message id');

export const listMessagesInput = z
  .object({
    /** The last message id of the previous page; older ones follow. */
    cursor: messageId.optional(),
    limit: limitInput(100, 30),
    unreadOnly: z.boolean().optional(),
  })
  .default({ limit: 30 });

/** Some messages by id (one opened), or every message at once (全部已读). */
export const readMessagesInput = z.union([
  z.object({ ids: z.array(messageId).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

/** `console.acknowledgeBreaches`: the breach alerts property ops have read. */
export const acknowledgeBreachesInput = z.object({
  ids: z.array(z.string().regex(/^\d{1,18}$/)).min(1).max(200),
});

import type { TRPCRouterRecord } from '@trpc/server';
import { residentProcedure } from '../../trpc';
import { listMessagesInput, readMessagesInput } from './messages.schema';
import { countUnreadMessages, listMessages, readMessages } from './messages.service';

/** `me.messages.*`: the resident's in-app messages (站内消息) about their orders. */
export const meMessagesRouter = {
  list: residentProcedure
    .input(listMessagesInput)
    .query(({ ctx, input }) => listMessages(ctx.db, ctx.actor, input)),
  unread: residentProcedure.query(async ({ ctx }) => ({
    unread: await countUnreadMessages(ctx.db, ctx.actor),
  })),
  read: residentProcedure
    .input(readMessagesInput)
    .mutation(({ ctx, input }) => readMessages(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;

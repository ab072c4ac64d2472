import type { TRPCRouterRecord } from '@trpc/server';
import { workerProcedure } from '../../trpc';
import { completeTaskInput, orderIdInput } from './orders.schema';
import { timersFrom } from './timers';
import { arriveAtTask, completeTask, listWorkerTasks } from './worker-tasks.service';

/** `worker.tasks.*`: the phone-first worker view (SPEC §12), for merchant staff who are workers. */
export const workerRouter = {
  tasks: {
    list: workerProcedure.query(({ ctx }) =>
      listWorkerTasks(ctx.db, ctx.actor, ctx.env.TZ_BUSINESS),
    ),
    arrive: workerProcedure
      .input(orderIdInput)
      .mutation(({ ctx, input }) => arriveAtTask(ctx.db, ctx.actor, input.id, timersFrom(ctx.env))),
    complete: workerProcedure
      .input(completeTaskInput)
      .mutation(({ ctx, input }) => completeTask(ctx.db, ctx.actor, input, timersFrom(ctx.env))),
  },
} satisfies TRPCRouterRecord;

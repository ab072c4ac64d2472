import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import express, { type Router } from 'express';
import type { AppDeps } from '../../deps';
import { openRedis, queuePrefix, type RedisClient } from '../../redis';
import { QUEUES } from '../outbox/queues';
import { isPlatformAdmin } from '../identity/actor';
import { requireSession } from '../identity/http-session';

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

export const QUEUE_DASHBOARD_PATH = '/console/queues';

/**
 * bull-board over the platform's queues at `/console/queues`, for the platform operator only
 * (SPEC §6): the queues are deployment-wide, so a company's staff would see and move every
 * company's jobs. They see their own company's job state in the console instead.
 * Its Redis connection and queues are made on the first authorised request, so an API that
 * nobody opens the dashboard on holds no extra connection.
 */
export function queueDashboard(deps: AppDeps): { routes: Router; close: () => Promise<void> } {
  let board: { router: Router; queues: Queue[]; connection: RedisClient } | null = null;
  const open = () => {
    if (board) return board;
    // Fail fast like a producer: a Redis outage shows as an error page, not a hung request.
    const connection = openRedis(deps.env, { maxRetriesPerRequest: 1 });
    connection.on('error', () => undefined);
    const queues = Object.values(QUEUES).map((name) => {
      const queue = new Queue(name, { connection, prefix: queuePrefix(deps.env, name) });
      queue.on('error', () => undefined);
      return queue;
    });
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      // @bull-board/express 9.10.1 bundles its own @bull-board/api 9.10.1 next to our 9.10.2;
      // the two declare the same interface separately, so only the types disagree.
      serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    });
    board = { router: serverAdapter.getRouter() as Router, queues, connection };
    return board;
  };

  const routes = express.Router();
  const operatorOnly = requireSession(
    deps,
    isPlatformAdmin,
    'Only the platform operator may open the queue dashboard',
  );
  routes.use(QUEUE_DASHBOARD_PATH, operatorOnly, (req, res, next) => {
    open().router(req, res, next);
  });
  return {
    routes,
    async close() {
      if (!board) return;
      await Promise.all(board.queues.map((q) => q.close()));
      board.connection.disconnect();
      board = null;
    },
  };
}

import { catalogRouter } from './modules/catalog/catalog.router';
import { authRouter } from './modules/identity/auth.router';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);

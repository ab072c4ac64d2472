import type { QueryClient } from '@tanstack/vue-query';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { isMerchantStaff, meQueryOptions } from './composables/useAuth';
import { isUnauthorized } from '@cgp/kit/errors';
import PortalLayout from './layouts/PortalLayout.vue';
import OrdersPage from './pages/OrdersPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** The merchant's money: its owner only; staff are sent to the order queue. */
    ownerOnly?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/LoginPage.vue'),
    meta: { public: true },
  },
  // The worker view: phone-first, without the back office's menu (SPEC §12).
  { path: '/tasks', name: 'tasks', component: () => import('./pages/TasksPage.vue') },
  {
    path: '/',
    component: PortalLayout,
    children: [
      { path: '', redirect: { name: 'orders' } },
      { path: 'orders', name: 'orders', component: OrdersPage },
      { path: 'services', name: 'services', component: () => import('./pages/ServicesPage.vue') },
      {
        path: 'workers',
        name: 'workers',
        component: () => import('./pages/WorkersPage.vue'),
        meta: { ownerOnly: true },
      },
      { path: 'schedule', name: 'schedule', component: () => import('./pages/SchedulePage.vue') },
      { path: 'reviews', name: 'reviews', component: () => import('./pages/ReviewsPage.vue') },
      {
        path: 'earnings',
        name: 'earnings',
        component: () => import('./pages/EarningsPage.vue'),
        meta: { ownerOnly: true },
      },
      {
        path: ':path(.*)*',
        name: 'not-found',
        component: () => import('./pages/NotFoundPage.vue'),
      },
    ],
  },
];

/**
 * The portal's routes under `/merchant/`. Every page but login needs a merchant staff session:
 * anonymous visitors go to sign in (remembering where they were going), and anyone else signed in
 * (a resident, property staff) is told the portal is not for them.
 */
export function createPortalRouter(queryClient: QueryClient) {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });

  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    try {
      const me = await queryClient.ensureQueryData(meQueryOptions);
      if (!isMerchantStaff(me)) return { name: 'login', query: { reason: 'not_merchant' } };
      if (to.meta.ownerOnly && me.merchantRole !== 'owner') return { name: 'orders' };
      return true;
    } catch (error) {
      if (isUnauthorized(error)) return { name: 'login', query: { redirect: to.fullPath } };
      // Unreachable API: let the page show its own error state with a retry.
      return true;
    }
  });

  return router;
}

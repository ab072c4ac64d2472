import type { QueryClient } from '@tanstack/vue-query';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { meQueryOptions } from './composables/useAuth';
import { consoleChildren } from './console/routes';
import { isServiceCategory } from './lib/categories';
import { isUnauthorized } from '@cgp/kit/errors';
import HomePage from './pages/HomePage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Shows the bottom tab bar. */
    tab?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./pages/LoginPage.vue'),
    meta: { public: true },
  },
  { path: '/', name: 'home', component: HomePage, meta: { tab: true } },
  {
    path: '/category/:category',
    name: 'category',
    component: () => import('./pages/CategoryPage.vue'),
    props: true,
    beforeEnter: (to) =>
      isServiceCategory(to.params.category) || {
        name: 'not-found',
        params: { path: to.path.slice(1).split('/') },
      },
  },
  {
    path: '/services/:id',
    name: 'service',
    component: () => import('./pages/ServiceDetailPage.vue'),
    props: true,
  },
  {
    path: '/orders',
    name: 'orders',
    component: () => import('./pages/OrdersPage.vue'),
    meta: { tab: true },
  },
  {
    // Also Stripe Checkout's return address (`?paid=1` after paying).
    path: '/orders/:id',
    name: 'order',
    component: () => import('./pages/OrderDetailPage.vue'),
    props: true,
  },
  {
    path: '/messages',
    name: 'messages',
    component: () => import('./pages/MessagesPage.vue'),
    meta: { tab: true },
  },
  {
    path: '/surveys/:id',
    name: 'survey',
    component: () => import('./pages/SurveyPage.vue'),
    props: true,
  },
  { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tab: true } },
  {
    path: '/me/family',
    name: 'family',
    component: () => import('./pages/FamilyPage.vue'),
  },
  {
    // The property console: its own chunk (Element Plus, ECharts), for property staff only.
    path: '/console',
    component: () => import('./console/ConsoleLayout.vue'),
    beforeEnter: async () => (await import('./console/guard')).consoleGuard(),
    children: consoleChildren,
  },
  { path: '/:path(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
];

/**
 * The resident app's routes. Every page but login needs a session: the guard loads `auth.me`
 * (cached) and sends anonymous visitors to login, remembering where they were going.
 */
export function createAppRouter(queryClient: QueryClient) {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });

  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    try {
      await queryClient.ensureQueryData(meQueryOptions);
      return true;
    } catch (error) {
      if (isUnauthorized(error)) return { name: 'login', query: { redirect: to.fullPath } };
      // Unreachable API: let the page render its own error state with a retry.
      return true;
    }
  });

  return router;
}

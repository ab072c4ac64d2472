import type { RouteRecordRaw } from 'vue-router';

/** The console's pages under `/console`, each its own chunk. */
export const consoleChildren: RouteRecordRaw[] = [
  { path: '', name: 'console-home', component: () => import('./home/HomePage.vue') },
  {
    path: 'revenue',
    name: 'console-revenue',
    component: () => import('./pages/RevenueSharePage.vue'),
  },
  { path: 'orders', name: 'console-orders', component: () => import('./pages/OrdersPage.vue') },
  {
    path: 'orders/:id',
    name: 'console-order',
    component: () => import('./pages/OrderLedgerPage.vue'),
    props: true,
  },
  {
    path: 'statements',
    name: 'console-statements',
    component: () => import('./pages/StatementsPage.vue'),
  },
  { path: 'jobs', name: 'console-jobs', component: () => import('./pages/JobsPage.vue') },
  {
    path: 'reconciliation',
    name: 'console-reconciliation',
    component: () => import('./pages/ReconciliationPage.vue'),
  },
  {
    path: 'quality',
    name: 'console-quality',
    component: () => import('./quality/QualityPage.vue'),
  },
  {
    path: 'callbacks',
    name: 'console-callbacks',
    component: () => import('./quality/CallbacksPage.vue'),
  },
  {
    path: 'surveys',
    name: 'console-surveys',
    component: () => import('./quality/SurveysPage.vue'),
  },
  {
    path: 'disputes',
    name: 'console-disputes',
    component: () => import('./pages/DisputesPage.vue'),
  },
  {
    path: 'disputes/:id',
    name: 'console-dispute',
    component: () => import('./disputes/DisputePage.vue'),
    props: true,
  },
  {
    path: 'merchants',
    name: 'console-merchants',
    component: () => import('./pages/MerchantsPage.vue'),
  },
  {
    path: 'service-desk',
    name: 'console-service-desk',
    component: () => import('./pages/ServiceDeskPage.vue'),
  },
  {
    path: 'audit-log',
    name: 'console-audit-log',
    component: () => import('./pages/AuditLogPage.vue'),
  },
];

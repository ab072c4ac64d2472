import { VueQueryPlugin } from '@tanstack/vue-query';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { meQueryKey } from './composables/useAuth';
import { i18n, setLocale } from './i18n';
import { isUnauthorized } from './lib/errors';
import { createQueryClient } from './lib/query-client';
import { createPortalRouter } from './router';
import './styles.css';

const queryClient = createQueryClient((error, queryKey) => {
  // A session that ends mid-shift (expired, revoked) sends the merchant to sign in again; the
  // route guard deals with `auth.me` itself.
  if (!isUnauthorized(error) || queryKey[0] === meQueryKey[0]) return;
  const current = router.currentRoute.value;
  if (current.meta.public) return;
  queryClient.clear();
  void router.replace({ name: 'login', query: { redirect: current.fullPath } });
});
const router = createPortalRouter(queryClient);

setLocale(i18n.global.locale.value);

createApp(App).use(i18n).use(router).use(VueQueryPlugin, { queryClient }).mount('#app');

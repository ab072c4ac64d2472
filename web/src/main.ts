import { VueQueryPlugin } from '@tanstack/vue-query';
import 'vant/lib/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { meQueryKey } from './composables/useAuth';
import { i18n, setLocale } from './i18n';
import { isUnauthorized } from './lib/errors';
import { createQueryClient } from './lib/query-client';
import { createAppRouter } from './router';
import './styles.css';

const queryClient = createQueryClient((error, queryKey) => {
  // A session that ends mid-visit (expired, revoked elsewhere) sends the resident to sign in again.
  // The route guard deals with `auth.me` itself.
  if (!isUnauthorized(error) || queryKey[0] === meQueryKey[0]) return;
  const current = router.currentRoute.value;
  if (current.meta.public) return;
  queryClient.clear();
  void router.replace({ name: 'login', query: { redirect: current.fullPath } });
});
const router = createAppRouter(queryClient);

setLocale(i18n.global.locale.value);

createApp(App).use(i18n).use(router).use(VueQueryPlugin, { queryClient }).mount('#app');

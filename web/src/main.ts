import { VueQueryPlugin } from '@tanstack/vue-query';
import { Lazyload, showConfirmDialog } from 'vant';
import 'vant/lib/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n, setLocale } from './i18n';
import { createQueryClient } from '@cgp/kit/query-client';
import { createAppRouter } from './router';
import './styles.css';

// A session that ends mid-visit sends the user to sign in again (the kit's query client).
const queryClient = createQueryClient(() => router);
const router = createAppRouter(queryClient);

/** A page's code that could not be downloaded (offline, a dropped connection). */
const isChunkLoadError = (error: unknown) =>
  error instanceof Error &&
  /dynamically imported module|Unable to preload CSS|Importing a module script failed|error loading dynamically imported/i.test(
    error.message,
  );

// Without this a tap on a tab does nothing at all on a bad network: say so, and offer to try again.
router.onError((error, to) => {
  if (!isChunkLoadError(error)) throw error;
  const { t } = i18n.global;
  showConfirmDialog({
    title: t('connection.pageLoadFailedTitle'),
    message: t('connection.pageLoadFailed'),
    confirmButtonText: t('common.retry'),
    cancelButtonText: t('common.later'),
  }).then(
    () => router.push(to.fullPath),
    () => undefined,
  );
});

setLocale(i18n.global.locale.value);

const app = createApp(App)
  .use(i18n)
  .use(router)
  .use(VueQueryPlugin, { queryClient })
  // Service photos load as they come into view (van-image lazy-load); one failed try shows the
  // placeholder rather than retrying on every scroll.
  .use(Lazyload, { observer: true, attempt: 1 });
// index.html's skeleton stays until the first page's code has arrived, so a slow link never
// shows a blank screen between the two.
void router.isReady().finally(() => app.mount('#app'));

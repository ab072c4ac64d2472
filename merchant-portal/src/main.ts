import { VueQueryPlugin } from '@tanstack/vue-query';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n, setLocale } from './i18n';
import { createQueryClient } from '@cgp/kit/query-client';
import { createPortalRouter } from './router';
import './styles.css';

// A session that ends mid-visit sends the user to sign in again (the kit's query client).
const queryClient = createQueryClient(() => router);
const router = createPortalRouter(queryClient);

setLocale(i18n.global.locale.value);

createApp(App).use(i18n).use(router).use(VueQueryPlugin, { queryClient }).mount('#app');

import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query';
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import type { Component } from 'vue';
import { i18n, setLocale, type AppLocale } from '../i18n';

/**
 * Mounts a component as the app runs it: the app's own i18n (in `locale`) and a query client
 * that does not retry, so a component test reads the texts a resident would.
 */
export function mountInApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: AppLocale } = {},
) {
  setLocale(options.locale ?? 'zh-CN');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return mount(component, {
    ...options,
    global: {
      ...options.global,
      plugins: [i18n, [VueQueryPlugin, { queryClient }], ...(options.global?.plugins ?? [])],
    },
  });
}

import { createAppI18n } from '@cgp/kit/i18n';
import elementEn from 'element-plus/es/locale/lang/en';
import elementZh from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import en from './en';
import zhCN from './zh-CN';

export type Messages = typeof zhCN;
export { localeNames, locales, type AppLocale } from '@cgp/kit/i18n';

/** The portal's language: its messages and the kit's, remembered apart from the resident app's. */
export const { i18n, setLocale } = createAppI18n({
  storageKey: 'cgp.merchant.locale',
  messages: { 'zh-CN': zhCN, en },
});

/** Element Plus's own texts (date pickers, pagination) in the current language. */
export const elementLocale = computed(() =>
  i18n.global.locale.value === 'en' ? elementEn : elementZh,
);

import elementEn from 'element-plus/es/locale/lang/en';
import elementZh from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type Messages = typeof zhCN;
export const locales = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof locales)[number];
export const localeNames: Record<AppLocale, string> = { 'zh-CN': '简体中文', en: 'English' };

const STORAGE_KEY = 'cgp.merchant.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return locales.includes(value as AppLocale);
}

function storedLocale(): AppLocale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isAppLocale(value) ? value : 'zh-CN';
  } catch {
    // Storage can be refused (private windows); the default still works.
    return 'zh-CN';
  }
}

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

/** Element Plus's own texts (date pickers, pagination) in the current language. */
export const elementLocale = computed(() =>
  i18n.global.locale.value === 'en' ? elementEn : elementZh,
);

/** Applies a language to the portal and `<html lang>`, and remembers it. */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Applied for this visit, just not remembered.
  }
}

import { Locale as VantLocale } from 'vant';
import vantEn from 'vant/es/locale/lang/en-US';
import vantZh from 'vant/es/locale/lang/zh-CN';
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';

export type Messages = typeof zhCN;
export const locales = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof locales)[number];

export const localeNames: Record<AppLocale, string> = { 'zh-CN': '简体中文', en: 'English' };

const STORAGE_KEY = 'cgp.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return locales.includes(value as AppLocale);
}

function storedLocale(): AppLocale {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isAppLocale(value) ? value : 'zh-CN';
  } catch {
    // Private browsing can refuse storage; the default still works.
    return 'zh-CN';
  }
}

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

/** Applies a language to our messages, Vant's own texts and `<html lang>`; remembers the choice. */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  if (locale === 'en') VantLocale.use('en-US', vantEn);
  else VantLocale.use('zh-CN', vantZh);
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered, but applied for this visit.
  }
}

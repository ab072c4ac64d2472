import { createI18n } from 'vue-i18n';
import { kitMessages, type KitMessages } from './messages';

export const locales = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof locales)[number];
export const localeNames: Record<AppLocale, string> = { 'zh-CN': '简体中文', en: 'English' };

function isAppLocale(value: unknown): value is AppLocale {
  return locales.includes(value as AppLocale);
}

function storedLocale(storageKey: string): AppLocale {
  try {
    const value = localStorage.getItem(storageKey);
    return isAppLocale(value) ? value : 'zh-CN';
  } catch {
    // Storage can be refused (private windows); the default still works.
    return 'zh-CN';
  }
}

/**
 * An app's i18n: zh-CN first, English second, the choice remembered under `storageKey`, and the
 * kit's own texts (`kit.*`) merged into the app's messages. `onChange` applies the language to a
 * component library's own texts (Vant's toasts, Element Plus's pickers).
 */
export function createAppI18n<M extends Record<string, unknown>>(options: {
  storageKey: string;
  messages: { 'zh-CN': M; en: M };
  onChange?: (locale: AppLocale) => void;
}) {
  type Schema = M & { kit: KitMessages };
  const i18n = createI18n<[Schema], AppLocale, false>({
    legacy: false,
    locale: storedLocale(options.storageKey),
    fallbackLocale: 'zh-CN',
    messages: {
      'zh-CN': { ...options.messages['zh-CN'], kit: kitMessages['zh-CN'] },
      en: { ...options.messages.en, kit: kitMessages.en },
    } as unknown as Record<AppLocale, Schema>,
  });

  /** Applies a language to the app, its component library and `<html lang>`; remembers it. */
  function setLocale(locale: AppLocale): void {
    i18n.global.locale.value = locale;
    options.onChange?.(locale);
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(options.storageKey, locale);
    } catch {
      // Applied for this visit, just not remembered.
    }
  }

  return { i18n, setLocale };
}

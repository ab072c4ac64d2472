import { useI18n } from 'vue-i18n';

/**
 * Picks the Chinese or English variant of a text for the current language. Its own module, free
 * of the API's schemas, so the resident app's first page can use it without loading them
 * (`useLocalized` adds what needs them).
 */
export function usePick() {
  const { locale } = useI18n();
  return (zh: string, en: string | null | undefined): string =>
    locale.value === 'en' && en ? en : zh;
}

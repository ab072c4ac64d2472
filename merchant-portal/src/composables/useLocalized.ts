import { useI18n } from 'vue-i18n';

/** Picks the Chinese or English variant of a text for the current language. */
export function useLocalized() {
  const { locale } = useI18n();
  return {
    pick: (zh: string, en: string | null | undefined): string =>
      locale.value === 'en' && en ? en : zh,
  };
}

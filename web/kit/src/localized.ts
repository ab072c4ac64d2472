import { useI18n } from 'vue-i18n';
import { errorMessageKey } from './errors';
import { usePick } from './pick';

/** Picks the Chinese or English variant of a text for the current language. */
export function useLocalized() {
  return {
    pick: usePick(),
  };
}

/** The reader-language sentence for an API error. */
export function useErrorText() {
  const { t } = useI18n();
  return (error: unknown): string => {
    const { key, params } = errorMessageKey(error);
    return t(key, params ?? {});
  };
}

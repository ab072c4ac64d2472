import { linesInWords, type OrderLine } from '@cgp/api/client';
import { useI18n } from 'vue-i18n';
import { errorMessageKey } from './errors';
import { usePick } from './pick';

/** Picks the Chinese or English variant of a text for the current language. */
export function useLocalized() {
  const { locale } = useI18n();
  return {
    pick: usePick(),
    /** A menu order's dishes in words: 红烧肉饭 ×2、番茄蛋汤 ×1 (empty for other orders). */
    lines: (lines: readonly OrderLine[] | null | undefined): string =>
      linesInWords(lines, locale.value),
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

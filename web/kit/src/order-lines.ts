import { linesInWords, type OrderLine } from '@cgp/api/client';
import { useI18n } from 'vue-i18n';

/**
 * A menu order's dishes in words for the current language: 红烧肉饭 ×2、番茄蛋汤 ×1 (empty for
 * other orders). Its own module, so pages without orders do not load the menu's rules.
 */
export function useOrderLines() {
  const { locale } = useI18n();
  return (lines: readonly OrderLine[] | null | undefined): string =>
    linesInWords(lines, locale.value);
}

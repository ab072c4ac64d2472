import type { Ref } from 'vue';
import { useConsoleI18n } from '../useConsole';
import type { CommissionScope } from './useCommissionRules';

/** A rule's scope in words: the whole company, a category, or a merchant by name. */
export function useScopeText(merchants: Ref<readonly { id: string; name: string }[]>) {
  const { t } = useConsoleI18n();
  return (scope: CommissionScope): string => {
    if (scope.kind === 'company') return t('merchants.all');
    if (scope.kind === 'category') {
      return t('merchants.categoryScope', { name: t(`categories.${scope.category}`) });
    }
    const name = merchants.value.find((m) => m.id === scope.merchantId)?.name ?? '—';
    return t('merchants.merchantScope', { name });
  };
}

import { accountLabel, labelOf, refundCauseLabel, type LabelGroup } from '@cgp/api/client';
import { useI18n } from 'vue-i18n';

export { accountLabel, LABELS, labelOf, refundCauseLabel, type LabelGroup } from '@cgp/api/client';

/** Labels in the current language: `label('orderStatus', 'paid')` → 待接单 / Paid, … */
export function useLabels() {
  const { locale } = useI18n();
  return {
    label: (group: LabelGroup, code: string | null | undefined) =>
      labelOf(group, code, locale.value),
    account: (account: string, merchantName?: string | null) =>
      accountLabel(account, locale.value, merchantName),
    refundCause: (cause: string) => refundCauseLabel(cause, locale.value),
  };
}

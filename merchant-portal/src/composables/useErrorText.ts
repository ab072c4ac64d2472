import { useI18n } from 'vue-i18n';
import { errorMessageKey } from '../lib/errors';

/** The reader-language sentence for an API error. */
export function useErrorText() {
  const { t } = useI18n();
  return (error: unknown): string => {
    const { key, params } = errorMessageKey(error);
    return t(key, params ?? {});
  };
}

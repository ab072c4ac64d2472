import { createAppI18n } from '@cgp/kit/i18n';
import { Locale as VantLocale } from 'vant';
import vantEn from 'vant/es/locale/lang/en-US';
import vantZh from 'vant/es/locale/lang/zh-CN';
import en from './en';
import zhCN from './zh-CN';

export type Messages = typeof zhCN;
export { localeNames, locales, type AppLocale } from '@cgp/kit/i18n';

/** The resident app's language: our messages, the kit's, Vant's own texts and `<html lang>`. */
export const { i18n, setLocale } = createAppI18n({
  storageKey: 'cgp.locale',
  messages: { 'zh-CN': zhCN, en },
  onChange: (locale) => {
    if (locale === 'en') VantLocale.use('en-US', vantEn);
    else VantLocale.use('zh-CN', vantZh);
  },
});

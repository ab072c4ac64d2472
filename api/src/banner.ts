import { DEMO_ACCOUNTS, DEMO_PASSWORD } from './seed/demo';

/** What the start-up banner names: where each app is, and the demo's sign-ins when seeded. */
export interface BannerInput {
  publicUrl: string;
  /** The embedded payment sandbox, when this process serves it. */
  sandboxUrl: string | null;
  demo: boolean;
}

/** Columns a label takes in a terminal: CJK characters are two wide. */
const width = (text: string) =>
  [...text].reduce((n, c) => n + (/[\u2e80-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);

const pad = (text: string, columns: number) =>
  text + ' '.repeat(Math.max(1, columns - width(text)));

/**
 * The lines a person starting the platform in a terminal reads first: the three apps, the
 * payment sandbox and the demo logins, so the URLs are not lost among log lines.
 */
export function startupBanner({ publicUrl, sandboxUrl, demo }: BannerInput): string {
  const rows: [string, string][] = [
    ['住户端 Residents', `${publicUrl}/`],
    ['物业后台 Console', `${publicUrl}/console`],
    ['商户后台 Merchants', `${publicUrl}/merchant/`],
  ];
  if (sandboxUrl) rows.push(['支付沙箱 Payment sandbox', sandboxUrl]);
  const lines = [
    '',
    '  社区共富平台 is running',
    '',
    ...rows.map(([label, url]) => `  ${pad(label, 28)}${url}`),
  ];
  if (demo) {
    lines.push('', `  演示账号 Demo logins (密码 password: ${DEMO_PASSWORD})`);
    for (const account of DEMO_ACCOUNTS) lines.push(`    ${account.phone}  ${account.who}`);
  }
  lines.push('');
  return lines.join('\n');
}

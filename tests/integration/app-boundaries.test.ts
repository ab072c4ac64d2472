import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Lints `code` as if it were the file at `path`, with the repository's own ESLint config. */
async function lintAs(path: string, code: string) {
  const eslint = new ESLint({
    cwd: root,
    // Type information is beside the point here (and the file does not exist on disk).
    overrideConfig: [
      tseslint.configs.disableTypeChecked,
      { languageOptions: { parserOptions: { projectService: false } } },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the apps reach the server only through @cgp/api/client', () => {
  it.each([
    ['merchant-portal/src/pages/X.ts', "import { orders } from '@cgp/db';"],
    [
      'merchant-portal/src/pages/X.ts',
      "import { ACCOUNTS } from '@cgp/api/src/modules/ledger/accounts';",
    ],
    [
      'web/src/console/X.ts',
      "import { REPORTS } from '../../../api/src/modules/console/export.reports';",
    ],
    ['web/src/pages/X.ts', "import { createTestDeps } from '@cgp/api/testing';"],
    ['web/kit/src/X.ts', "import { appRouter } from '@cgp/api';"],
    ['merchant-portal/src/X.ts', "import { formatFen } from '../../web/kit/src/money';"],
    ['merchant-portal/src/X.ts', "import { createTRPCClient } from '@trpc/client';"],
  ])('refuses %s importing: %s', async (path, code) => {
    expect(await lintAs(path, `${code}\nexport const x = 1;\n`)).not.toEqual([]);
  });

  it('lets them import the client surface and the kit', async () => {
    const code = [
      "import { ORDER_STATUSES, type AppRouter } from '@cgp/api/client';",
      "import { formatFen } from '@cgp/kit/money';",
      'export const x: [typeof ORDER_STATUSES, typeof formatFen, AppRouter | null] = [ORDER_STATUSES, formatFen, null];',
      '',
    ].join('\n');
    expect(await lintAs('merchant-portal/src/pages/X.ts', code)).toEqual([]);
    expect(await lintAs('web/src/console/X.ts', code)).toEqual([]);
  });
});

/** Every .ts/.vue file of an app, as [path, text]. */
function sources(dir: string): [string, string][] {
  return readdirSync(join(root, dir), { recursive: true })
    .map(String)
    // Test helpers build their own throw-away clients; the scan is about what ships.
    .filter((f) => /\.(ts|vue)$/.test(f) && !/(^|\/)testing\/|\.test\.ts$/.test(f))
    .map((f) => [relative(root, join(root, dir, f)), readFileSync(join(root, dir, f), 'utf8')]);
}

describe('what the kit holds exists once', () => {
  // Definitions only the kit may contain: the clients, the error mapping, i18n set-up, formatting.
  const kitOnly = [
    /createTRPCClient\s*</,
    /new QueryClient\(/,
    /createI18n\s*[<(]/,
    /function (formatFen|parseYuan|parsePercent|formatBps|fenToYuanText|bpsToPercentText)\b/,
    /function (errorMessageKey|isApiError|isNetworkError|isUnauthorized|safeRedirect)\b/,
    /function (businessDay|businessDayRange|formatClock|formatDateTime|formatSlot|formatCountdown)\b/,
    /function (useLocalized|useErrorText)\b/,
    /timeZone: 'Asia\/Shanghai'/,
  ];

  it.each(['web/src', 'merchant-portal/src'])('%s defines none of it again', (dir) => {
    const copies = sources(dir).flatMap(([path, text]) =>
      kitOnly.filter((pattern) => pattern.test(text)).map((pattern) => `${path}: ${pattern}`),
    );
    expect(copies).toEqual([]);
  });
});

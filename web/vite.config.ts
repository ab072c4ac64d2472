import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';
import { gzipSync } from 'node:zlib';

/**
 * Vant's icon font is embedded as woff2 with a fallback on Alibaba's CDN. Every browser we serve
 * reads woff2, and the page must not fetch from a third party (our CSP refuses it anyway), so the
 * fallback is dropped.
 */
function vantIconFontWithoutCdn(): Plugin {
  return {
    name: 'vant-icon-font-without-cdn',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/].*\.css$/.test(id)) return null;
      return code.replace(
        /,\s*url\((?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\(["']?woff["']?\)/g,
        '',
      );
    },
  };
}

/** What `/` may load before the resident sees anything: its entry and the entry's static imports. */
const INITIAL_JS_BUDGET_KB = 150;

/**
 * Prints the gzipped JavaScript the resident app's first page loads (the entry chunk and every
 * chunk it imports statically; the console and other lazy routes are not counted) and fails the
 * build when it exceeds the budget.
 */
function initialJsBudget(): Plugin {
  return {
    name: 'initial-js-budget',
    apply: 'build',
    generateBundle(_, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [[o.fileName, o]] : [])),
      );
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      const bytes = [...initial].reduce(
        (sum, name) => sum + gzipSync(chunks.get(name)!.code, { level: 9 }).length,
        0,
      );
      const kb = bytes / 1024;
      console.log(
        `initial JS for /: ${kb.toFixed(1)} KB gzipped in ${initial.size} chunks (budget ${INITIAL_JS_BUDGET_KB} KB)`,
      );
      if (kb > INITIAL_JS_BUDGET_KB) {
        this.error(
          `initial JS for / is ${kb.toFixed(1)} KB gzipped, over ${INITIAL_JS_BUDGET_KB} KB`,
        );
      }
    },
  };
}

export default defineConfig({
  plugins: [vue(), vantIconFontWithoutCdn(), initialJsBudget()],
  base: '/',
  server: { proxy: { '/trpc': 'http://localhost:3000' } },
});

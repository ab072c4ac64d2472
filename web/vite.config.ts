import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

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

export default defineConfig({
  plugins: [vue(), vantIconFontWithoutCdn()],
  base: '/',
  server: { proxy: { '/trpc': 'http://localhost:3000' } },
});

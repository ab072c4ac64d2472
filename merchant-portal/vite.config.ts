import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [vue()],
  base: '/merchant/',
  server: { port: 5174, proxy: { '/trpc': 'http://localhost:3000' } },
});

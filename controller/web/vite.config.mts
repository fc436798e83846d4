import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// Built into the controller's dist/, which the panel-web module serves at `/`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The controller's CSP allows no inline script or style, and no data: scripts.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});

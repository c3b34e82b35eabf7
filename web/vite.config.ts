// Vite build of the web cockpit: root is web/, output web/dist (served by the API server),
// and in development /api is proxied to a running `mortar serve` / `mortar demo` (MORTAR_API
// overrides where that server is; default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Every file of the build (lazy chunks too), read by the service worker to cache and prune assets.
    manifest: 'asset-manifest.json',
    // ECharts and the topology map (React Flow) are split off by lazy imports; ELK runs in a worker.
    chunkSizeWarningLimit: 700,
  },
  // The topology map's layout engine (ELK) runs in a module worker of its own.
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: process.env.MORTAR_API ?? 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
});

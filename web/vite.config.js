import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const apiTarget = process.env.API_PROXY || 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    react(),
    // Installable PWA (issue 16): the service worker precaches the app shell only. Pages are
    // fetched from the network (the console is nothing without its live data) and fall back to
    // offline.html when it cannot be reached; /api/ is never cached nor handled.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script', // registerSW.js, a file: the CSP allows no inline script
      manifest: {
        name: 'XtraO2 Console',
        short_name: 'XtraO2',
        description: 'Live air quality, impact and relay control of the XtraO2 unit.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f3f5f7',
        theme_color: '#0f5f73',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The shell's scripts and styles and the offline page (the plugin adds the manifest and
        // its icons); not index.html: pages always come from the network, as said above.
        globPatterns: ['**/*.{js,css}', 'offline.html'],
        navigateFallback: null,
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            urlPattern: ({ request, url }) => request.mode === 'navigate' && !url.pathname.startsWith('/api/'),
            handler: 'NetworkOnly',
            options: { precacheFallback: { fallbackURL: '/offline.html' } },
          },
        ],
      },
    }),
  ],
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      // REST and the browser WebSocket (/api/ws) both go to the backend (nginx or gateway_svc).
      '/api': { target: apiTarget, ws: true, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{js,jsx}'],
    setupFiles: ['src/test/setup.js'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});

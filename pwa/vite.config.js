import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Browsers we build for: what <script type="module"> needs, lowered no further.
const TARGET = ['es2020', 'chrome87', 'edge88', 'firefox78', 'safari14'];

export default defineConfig({
  plugins: [
    preact({ prerender: { enabled: false } }),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'service-worker',
      filename: 'sw.js',
      // We register the worker ourselves (src/sw-register.js): no injected script,
      // inline or not, which the strict CSP would refuse anyway.
      injectRegister: false,
      // The manifest is our own file in public/; the plugin neither writes nor links one.
      manifest: false,
      injectManifest: {
        // The app shell, the header's SVG and the 192 px icon (the manifest's first, shown
        // on notifications and by the launcher, also offline: 2 KB); the larger icons are
        // fetched by the browser when it installs the app.
        globPatterns: ['**/*.{html,js,css,webmanifest}', 'icons/icon.svg', 'icons/icon-192.png'],
        // The officer console is another entry (officer.html, assets/officer-*): citizens'
        // phones never download it, so their service worker does not precache it either.
        // The MPP floor's kiosk and call display are entries of their own too.
        globIgnores: ['officer.html', 'assets/officer-*', 'kiosk.html', 'assets/kiosk-*', 'display.html', 'assets/display-*', 'assets/floor-*'],
        // A classic (non-module) worker runs on every browser that has service workers.
        rollupFormat: 'iife',
        target: TARGET,
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: TARGET,
    // No inline <script> for the module-preload polyfill (CSP: script-src 'self').
    modulePreload: { polyfill: false },
    // Never turn an asset into a data: URL.
    assetsInlineLimit: 0,
    sourcemap: false,
    rollupOptions: {
      // Two pages: the citizen app and the officer console (its own chunks, named officer-*).
      input: { index: 'index.html', officer: 'officer.html', kiosk: 'kiosk.html', display: 'display.html' },
      output: {
        // Chunks only the floor's pages load (their shared code, the jsQR fallback) are named
        // floor-*, so the citizen service worker can leave them out of its precache.
        chunkFileNames: (chunk) =>
          chunk.moduleIds.length > 0 && chunk.moduleIds.every((id) => /[\\/](src[\\/]floor|node_modules[\\/]jsqr)[\\/]/.test(id))
            ? 'assets/floor-[hash].js'
            : 'assets/[name]-[hash].js',
      },
    },
  },
});

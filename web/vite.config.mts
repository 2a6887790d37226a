import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The e-Box web app: Preact + TypeScript, one small bundle with hashed file names (built by `make web`).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0, // no data: URLs for scripts or fonts: the CSP stays strict
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});

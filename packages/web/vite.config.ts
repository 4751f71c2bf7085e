import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web app: React 19 in the page, `@supernode/core` (imported from source) in Web Workers.
 * `base: "./"` keeps every asset path relative, so the built app works from any URL prefix.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2500,
    reportCompressedSize: false,
  },
});

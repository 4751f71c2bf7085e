import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { exampleFactsPlugin } from "./vite-example-facts.ts";

/**
 * The web app: React 19 in the page, `@supernode/core` (imported from source) in Web Workers.
 * `base: "./"` keeps every asset path relative, so the built app works from any URL prefix.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react(), exampleFactsPlugin()],
  // DDSketch's unused protobuf serialisation requires protobufjs: see packages/core/protobuf-stub.cjs.
  resolve: {
    alias: { "protobufjs/minimal": new URL("../core/protobuf-stub.cjs", import.meta.url).pathname },
  },
  worker: { format: "es" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2500,
    // manifest.json: which chunks each view loads (bench/web-bundle.mjs sums them per view).
    manifest: true,
    reportCompressedSize: false,
  },
});

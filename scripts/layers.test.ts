/**
 * The core's layers are one-way (docs/architecture.md), enforced by biome's noRestrictedImports
 * rules in biome.json, which `npm run lint` (and so CI) runs. This plants a back-import in a layer
 * and checks that the rule refuses it — and that the same import one layer up is accepted.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const coreSrc = join(root, "packages/core/src");
const biome = fileURLToPath(new URL("../node_modules/@biomejs/biome/bin/biome", import.meta.url));

/** Lints `source` as if it were at `path` in the repository, with the repository's biome.json. */
function lint(path: string, source: string) {
  const dir = mkdtempSync(join(tmpdir(), "supernode-layers-"));
  try {
    copyFileSync(join(root, "biome.json"), join(dir, "biome.json"));
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), source);
    const run = spawnSync(process.execPath, [biome, "lint", path], { cwd: dir, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("layer rule", () => {
  it("refuses an import of a higher layer (spec importing serving)", () => {
    const planted = 'export { simulate } from "../serving/simulate.ts";\n';
    const { status, output } = lint("packages/core/src/spec/planted.ts", planted);
    expect(status).not.toBe(0);
    expect(output).toMatch(/layer 'spec' may import only the layers below it/);
  });

  it("refuses a type-only back-import too (hardware importing catalog)", () => {
    const planted = 'import type { Catalog } from "../catalog/catalog.ts";\nexport type C = Catalog;\n';
    expect(lint("packages/core/src/hardware/planted.ts", planted).status).not.toBe(0);
  });

  it("accepts the same import from a layer above, through the layer's index (report importing serving)", () => {
    const planted = 'export { simulate } from "../serving/index.ts";\n';
    expect(lint("packages/core/src/report/planted.ts", planted)).toMatchObject({ status: 0 });
  });

  it("refuses an import of another layer's file rather than its index.ts (report importing serving)", () => {
    const planted = 'export { simulate } from "../serving/simulate.ts";\n';
    const { status, output } = lint("packages/core/src/report/planted.ts", planted);
    expect(status).not.toBe(0);
    expect(output).toMatch(/import another layer through its index.ts/);
  });
});

describe("public surfaces", () => {
  const layers = readdirSync(coreSrc, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "public")
    .map((entry) => entry.name);

  it("the package index re-exports one public/ file per layer, each naming its exports from the layer's index.ts", () => {
    const index = readFileSync(join(coreSrc, "index.ts"), "utf8");
    const lines = index.split("\n").filter((line) => line.startsWith("export"));
    expect(lines).toEqual(layers.map((layer) => `export * from "./public/${layer}.ts";`));
    expect(readdirSync(join(coreSrc, "public")).sort()).toEqual(layers.map((layer) => `${layer}.ts`).sort());
    for (const layer of layers) {
      const list = readFileSync(join(coreSrc, "public", `${layer}.ts`), "utf8");
      expect(
        [...list.matchAll(/from "([^"]+)"/g)].map((match) => match[1]),
        layer,
      ).toEqual([`../${layer}/index.ts`]);
      expect(list, layer).toMatch(/^export \{/m);
      expect(list, layer).not.toMatch(/export \*/);
      const surface = readFileSync(join(coreSrc, layer, "index.ts"), "utf8");
      expect(surface, layer).toMatch(/^export \{/m);
      expect(surface, layer).not.toMatch(/export \*/);
    }
  });

  it("refuses `export *` in the core", () => {
    const planted = 'export * from "./units.ts";\n';
    const { status, output } = lint("packages/core/src/spec/index.ts", planted);
    expect(status).not.toBe(0);
    expect(output).toMatch(/noReExportAll/);
  });
});

import { describe, expect, it } from "vitest";
import { embeddedDataFiles, parseBuiltinData } from "../catalog/index.ts";
import { engineFileSchema } from "../deploy/engine-file.ts";
import { separateKernelsEntries } from "../deploy/separate-kernels.ts";
import { engineOverlaySet } from "./engine-overlay-set.ts";

/**
 * A scenario's `engine.moeBackend` is checked against the backends the engine's overlay file lists
 * (data/efficiency/engines/<engine>/*.yaml `backends.moe`); an engine file's kernel chain for a backend
 * (`separateKernels.moeBackends.<name>`) is looked up by the same name, so a name the overlay file
 * does not list could never be selected and would silently leave the default chain in place.
 */
describe("separateKernels.moeBackends names backends the engine lists", () => {
  it("every backend with its own kernel chain is one a scenario can name", () => {
    const unknown: string[] = [];
    let checked = 0;
    for (const path of Object.keys(embeddedDataFiles).filter((p) => /^engines\/[^/]+\.yaml$/.test(p))) {
      const file = parseBuiltinData(path, engineFileSchema);
      const listed = engineOverlaySet(file.engine)?.backends.moe ?? [];
      file.releases.forEach((release, r) => {
        const backends = separateKernelsEntries(release).flatMap((e) => Object.keys(e.moeBackends ?? {}));
        for (const name of backends) {
          checked++;
          if (!listed.includes(name))
            unknown.push(
              `data/${path}: releases[${r}].separateKernels.moeBackends.${name} is not in data/efficiency/engines/${file.engine}/*.yaml backends.moe (${listed.join(", ") || "none"})`,
            );
        }
      });
    }
    expect(checked).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { embeddedDataFiles, parseBuiltinData } from "../catalog/index.ts";
import { engineFileSchema } from "../deploy/engine-file.ts";
import { separateKernelsEntries } from "../deploy/separate-kernels.ts";
import { referenceScenarioNames } from "../report/validate-end-to-end.ts";
import { baseName } from "./separate-kernel-ops.ts";
import { estimate } from "./step-estimate.ts";
import { referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * A `fusedKernels` operator name matches layer operators by name and does nothing when none has it,
 * so a misspelt name would silently keep its kernels. Engine files are built-in data: every name
 * must be an operator (or separate kernel) of one of the engine's reference scenarios at that release,
 * or at another release carrying the same fused entry (one list read once and aliased into release
 * entries that differ elsewhere, e.g. vLLM-Ascend's 0.9.0 / 0.9.1 / 0.9.2rc1).
 */
describe("separateKernels.fusedKernels names operators that exist", () => {
  const engineFiles = Object.keys(embeddedDataFiles).filter((p) => /^engines\/[^/]+\.yaml$/.test(p));
  const fusing = engineFiles.flatMap((path) => {
    const file = parseBuiltinData(path, engineFileSchema);
    return file.releases.flatMap((release, r) => {
      const lists = separateKernelsEntries(release).flatMap((separate) => [
        { at: "separateKernels.fusedKernels", list: separate.fusedKernels ?? [] },
        ...Object.entries(separate.moeBackends ?? {}).map(([backend, b]) => ({
          at: `separateKernels.moeBackends.${backend}.fusedKernels`,
          list: b.fusedKernels ?? [],
        })),
      ]);
      return lists.flatMap(({ at, list }) =>
        list.flatMap((fused, f) =>
          fused.operators.map((name, o) => ({
            engine: file.engine,
            release: release.from,
            entry: JSON.stringify(fused),
            name,
            field: `data/${path}: releases[${r}].${at}[${f}].operators[${o}]`,
          })),
        ),
      );
    });
  });

  it("every fused operator name is an operator of a reference scenario of that engine release", () => {
    expect(fusing.length).toBeGreaterThan(0);
    const namesByRelease = new Map<string, Set<string>>();
    for (const scenarioName of referenceScenarioNames()) {
      const scenario = referenceScenario(scenarioName);
      const engine = scenario.engine;
      if (engine === undefined || !fusing.some((x) => x.engine === engine.name)) continue;
      const key = `${engine.name}@${engine.release}`;
      const names = namesByRelease.get(key) ?? new Set<string>();
      namesByRelease.set(key, names);
      const e = estimate(scenario);
      for (const phase of [e.decode, e.prefill])
        for (const layer of phase?.step.layers ?? [])
          for (const item of layer.timing.items) names.add(baseName(item));
    }
    const named = (x: (typeof fusing)[number]) =>
      fusing.some(
        (y) =>
          y.engine === x.engine &&
          y.entry === x.entry &&
          y.name === x.name &&
          namesByRelease.get(`${y.engine}@${y.release}`)?.has(y.name) === true,
      );
    const unknown = fusing
      .filter((x) => !named(x))
      .map(
        (x) => `${x.field}: "${x.name}" is no operator of any ${x.engine} ${x.release} reference scenario`,
      );
    expect(unknown).toEqual([]);
  });
});

import { parseScenario, type Scenario } from "../../deploy/scenario.ts";
import { referenceScenarioText } from "../../report/validate-end-to-end.ts";
import { parseOverride } from "../../spec/scenario-overrides.ts";

/**
 * A shipped reference scenario (`examples/<name>.yaml`), with `--set`-style overrides applied.
 * @example referenceScenario("cloudmatrix384-deepseek-r1-decode", "deployment.decode.batchPerChip=32")
 */
export function referenceScenario(name: string, ...sets: string[]): Scenario {
  return parseScenario(referenceScenarioText(name), `examples/${name}.yaml`, undefined, {
    overrides: sets.map(parseOverride),
  });
}

/** `value`, or a test failure when it is undefined. @example must(estimate(s).decode).tpotS */
export function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value");
  return value;
}

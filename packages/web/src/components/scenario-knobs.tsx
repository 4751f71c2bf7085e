/**
 * One-click changes of a scenario's main settings — system, model, precision and the deployment
 * of one instance group — written into the YAML text itself (`writeKnob`), so the document, the
 * URL and the CLI stay the same thing.
 */
import { type Role, readKnob, scenarioRoles, writeKnob } from "../app/scenario-doc.ts";
import type { CatalogSummary } from "../worker/jobs/catalog-job.ts";
import { NumberField } from "./number-field.tsx";

const DTYPES = ["bf16", "fp16", "fp8", "int8", "fp4"];

type Knob =
  | { kind: "select"; label: string; path: string[]; options: readonly { value: string; label: string }[] }
  | { kind: "number"; label: string; path: string[]; min: number; max?: number; step: number }
  | { kind: "toggle"; label: string; path: string[] };

function knobsFor(text: string, role: Role, catalog: CatalogSummary | undefined): Knob[] {
  const d = ["deployment", role];
  const knobs: Knob[] = [];
  if (typeof readKnob(text, ["system"]) === "string")
    knobs.push({
      kind: "select",
      label: "System",
      path: ["system"],
      options: (catalog?.systems ?? []).map((s) => ({ value: s.id, label: s.name })),
    });
  if (typeof readKnob(text, ["model"]) === "string")
    knobs.push({
      kind: "select",
      label: "Model",
      path: ["model"],
      options: (catalog?.models ?? []).map((m) => ({ value: m, label: m })),
    });
  const dtypeOptions = DTYPES.map((t) => ({ value: t, label: t }));
  knobs.push({ kind: "select", label: "Weights", path: ["precision", "weights"], options: dtypeOptions });
  if (readKnob(text, ["precision", "activations"]) !== undefined)
    knobs.push({
      kind: "select",
      label: "Activations",
      path: ["precision", "activations"],
      options: dtypeOptions,
    });
  knobs.push({ kind: "select", label: "KV cache", path: ["precision", "kvCache"], options: dtypeOptions });
  const perInstance =
    readKnob(text, [...d, "ranksPerInstance"]) !== undefined ? "ranksPerInstance" : "chipsPerInstance";
  knobs.push({
    kind: "number",
    label: perInstance === "ranksPerInstance" ? "Ranks per instance" : "Chips per instance",
    path: [...d, perInstance],
    min: 1,
    step: 1,
  });
  knobs.push({ kind: "number", label: "Instances", path: [...d, "instances"], min: 1, step: 1 });
  if (role !== "prefill") {
    knobs.push({ kind: "number", label: "Batch per chip", path: [...d, "batchPerChip"], min: 1, step: 1 });
    knobs.push({ kind: "number", label: "KV length", path: [...d, "kvLength"], min: 1, step: 256 });
  } else {
    knobs.push({
      kind: "number",
      label: "Tokens per chip",
      path: [...d, "tokensPerChip"],
      min: 1,
      step: 1024,
    });
    knobs.push({ kind: "number", label: "Prompt length", path: [...d, "promptLength"], min: 1, step: 256 });
  }
  if (readKnob(text, [...d, "moe", "ep"]) !== undefined)
    knobs.push({
      kind: "number",
      label: "Expert parallelism (EP)",
      path: [...d, "moe", "ep"],
      min: 1,
      step: 1,
    });
  knobs.push({ kind: "number", label: "Attention TP", path: [...d, "attention", "tp"], min: 1, step: 1 });
  if (readKnob(text, [...d, "mtp"]) !== undefined)
    knobs.push({
      kind: "number",
      label: "MTP acceptance",
      path: [...d, "mtp", "acceptanceRate"],
      min: 0,
      max: 1,
      step: 0.05,
    });
  const overlap = readKnob(text, [...d, "microbatchOverlap"]);
  knobs.push({
    kind: "toggle",
    label: "Microbatch overlap",
    path:
      typeof overlap === "object" && overlap !== null
        ? [...d, "microbatchOverlap", "enabled"]
        : [...d, "microbatchOverlap"],
  });
  return knobs;
}

export function ScenarioKnobs({
  text,
  onChange,
  catalog,
  role,
  onRole,
}: {
  text: string;
  onChange: (text: string) => void;
  catalog: CatalogSummary | undefined;
  role: Role | undefined;
  onRole: (role: Role) => void;
}) {
  const roles = scenarioRoles(text);
  if (roles.length === 0)
    return <p className="hint">Knobs appear once the document has a valid deployment section.</p>;
  const current = role !== undefined && roles.includes(role) ? role : (roles[0] as Role);
  const set = (path: string[], value: unknown) => onChange(writeKnob(text, path, value));
  return (
    <div className="knobs">
      {roles.length > 1 && (
        <fieldset className="role-picker">
          <legend>Instance group</legend>
          {roles.map((r) => (
            <label key={r}>
              <input type="radio" name="role" checked={r === current} onChange={() => onRole(r)} /> {r}
            </label>
          ))}
        </fieldset>
      )}
      <div className="knob-grid">
        {knobsFor(text, current, catalog).map((k) => {
          const value = readKnob(text, k.path);
          const id = `knob-${k.path.join("-")}`;
          switch (k.kind) {
            case "select": {
              const v = typeof value === "string" ? value : "";
              const options =
                k.options.some((o) => o.value === v) || v === ""
                  ? k.options
                  : [{ value: v, label: v }, ...k.options];
              return (
                <label className="field" key={id}>
                  <span>{k.label}</span>
                  <select
                    value={v}
                    onChange={(e) => set(k.path, e.target.value)}
                    data-knob={k.path.join(".")}
                  >
                    {v === "" && <option value="">(default)</option>}
                    {options.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </label>
              );
            }
            case "number":
              return (
                <NumberField
                  key={id}
                  label={k.label}
                  value={typeof value === "number" ? value : undefined}
                  placeholder="default"
                  rule={{ min: k.min, max: k.max, integer: Number.isInteger(k.step) }}
                  step={k.step}
                  knob={k.path.join(".")}
                  onCommit={(v) => set(k.path, v)}
                />
              );
            case "toggle":
              return (
                <label className="field toggle" key={id}>
                  <span>{k.label}</span>
                  <input
                    type="checkbox"
                    checked={value === true}
                    data-knob={k.path.join(".")}
                    onChange={(e) => set(k.path, e.target.checked)}
                  />
                </label>
              );
            default:
              return k satisfies never;
          }
        })}
      </div>
    </div>
  );
}

/**
 * The Simulate view's workload and SLO knobs — arrival rate, prompt and output lengths, requests,
 * seed, TTFT and TPOT limits — written into the scenario's YAML (`writeKnob`), so the document is
 * what runs: no setting overrides the file behind the user's back. A knob appears when its field
 * exists in the document (e.g. lengths only for fixed-length distributions); others are edited in
 * the YAML.
 */
import { readKnob, writeKnob } from "../app/scenario-doc.ts";
import { NumberField, type NumberRule } from "./number-field.tsx";

interface WorkloadKnob {
  readonly label: string;
  readonly path: readonly string[];
  readonly rule: NumberRule;
  readonly step: number;
  /** Shown value = document value × scale (e.g. s → ms). */
  readonly scale?: number;
  /** Shown even when the field is absent (written on first change). */
  readonly always?: boolean;
}

const KNOBS: readonly WorkloadKnob[] = [
  {
    label: "Arrival rate (requests/s)",
    path: ["workload", "arrival", "ratePerS"],
    rule: { min: 0.001 },
    step: 10,
  },
  {
    label: "Prompt tokens",
    path: ["workload", "promptTokens", "tokens"],
    rule: { min: 1, integer: true },
    step: 256,
  },
  {
    label: "Output tokens",
    path: ["workload", "outputTokens", "tokens"],
    rule: { min: 1, integer: true },
    step: 64,
  },
  {
    label: "Requests",
    path: ["workload", "requests"],
    rule: { min: 1, integer: true },
    step: 500,
    always: true,
  },
  { label: "Seed", path: ["workload", "seed"], rule: { min: 0, integer: true }, step: 1, always: true },
  { label: "TTFT SLO (s)", path: ["serving", "slo", "ttftS"], rule: { min: 0.001 }, step: 0.5, always: true },
  {
    label: "TPOT SLO (ms)",
    path: ["serving", "slo", "tpotS"],
    rule: { min: 0.1 },
    step: 5,
    scale: 1e3,
    always: true,
  },
];

export function WorkloadKnobs({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  if (readKnob(text, ["workload"]) === undefined)
    return <p className="hint">This document has no workload section: add one in the YAML to simulate.</p>;
  return (
    <div className="knob-grid">
      {KNOBS.map((k) => {
        const raw = readKnob(text, k.path);
        if (typeof raw !== "number" && k.always !== true) return null;
        const scale = k.scale ?? 1;
        return (
          <NumberField
            key={k.path.join(".")}
            label={k.label}
            value={typeof raw === "number" ? Number((raw * scale).toPrecision(12)) : undefined}
            placeholder="not set"
            rule={k.rule}
            step={k.step}
            knob={k.path.join(".")}
            onCommit={(v) => onChange(writeKnob(text, k.path, Number((v / scale).toPrecision(12))))}
          />
        );
      })}
    </div>
  );
}

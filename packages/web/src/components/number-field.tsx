/**
 * A number input that lets the user edit freely: the text is the user's until it is committed, so
 * a field can be emptied and retyped (backspacing "96" and typing "64" gives 64, never 648). A
 * valid value is committed after a short pause in typing, on Enter, or when the field loses focus;
 * an invalid one (empty, not a number, out of range, not whole) is shown as such and never
 * committed — leaving the field puts the committed value back. Escape reverts at once.
 */
import { useEffect, useId, useRef, useState } from "react";

export interface NumberRule {
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  /** Only whole numbers. */
  readonly integer?: boolean | undefined;
}

/** The number `text` stands for under `rule`, or the reason it is not acceptable. */
export function parseNumberText(
  text: string,
  rule: NumberRule,
): { ok: true; value: number } | { ok: false; reason: string } {
  const t = text.trim();
  if (t === "") return { ok: false, reason: "enter a number" };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, reason: `"${t}" is not a number` };
  if (rule.integer === true && !Number.isInteger(value)) return { ok: false, reason: "enter a whole number" };
  if (rule.min !== undefined && value < rule.min) return { ok: false, reason: `at least ${rule.min}` };
  if (rule.max !== undefined && value > rule.max) return { ok: false, reason: `at most ${rule.max}` };
  return { ok: true, value };
}

/** Pause in typing after which a valid value is committed. */
export const COMMIT_DELAY_MS = 600;

export function NumberField({
  label,
  value,
  onCommit,
  rule,
  step,
  placeholder,
  knob,
  className,
  onClear,
}: {
  label: string;
  /** The committed value (undefined: unset, the field shows the placeholder). */
  value: number | undefined;
  onCommit: (value: number) => void;
  rule: NumberRule;
  step?: number;
  placeholder?: string;
  /** `data-knob` of the input (tests and styles). */
  knob?: string;
  className?: string;
  /** When given, an empty field is valid and commits "unset" through this. */
  onClear?: () => void;
}) {
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ value, onCommit, onClear });
  latest.current = { value, onCommit, onClear };
  const hintId = useId();
  useEffect(() => () => clearTimeout(timer.current), []);

  const shown = draft ?? (value === undefined ? "" : String(value));
  const check = (text: string) =>
    onClear !== undefined && text.trim() === ""
      ? ({ ok: true, value: undefined } as const)
      : parseNumberText(text, rule);
  const parsed = draft === undefined ? undefined : check(draft);
  const invalid = parsed !== undefined && !parsed.ok;

  const commit = (text: string, endEdit: boolean) => {
    clearTimeout(timer.current);
    const p = check(text);
    if (p.ok && p.value === undefined) {
      if (latest.current.value !== undefined) latest.current.onClear?.();
      setDraft(endEdit ? undefined : text);
      return;
    }
    if (p.ok && p.value !== latest.current.value) latest.current.onCommit(p.value);
    if (endEdit || p.ok) setDraft(endEdit ? undefined : text);
  };

  return (
    <label className={`field${className === undefined ? "" : ` ${className}`}`}>
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        value={shown}
        placeholder={placeholder}
        data-knob={knob}
        data-step={step}
        aria-invalid={invalid}
        aria-describedby={invalid ? hintId : undefined}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          clearTimeout(timer.current);
          if (check(text).ok) timer.current = setTimeout(() => commit(text, false), COMMIT_DELAY_MS);
        }}
        onBlur={() => {
          if (draft !== undefined) commit(draft, true);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && draft !== undefined) commit(draft, false);
          else if (e.key === "Escape") {
            clearTimeout(timer.current);
            setDraft(undefined);
          } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && step !== undefined) {
            e.preventDefault();
            const base = parseNumberText(shown, {});
            const from = base.ok ? base.value : (value ?? rule.min ?? 0);
            let next = from + (e.key === "ArrowUp" ? step : -step);
            if (rule.min !== undefined) next = Math.max(rule.min, next);
            if (rule.max !== undefined) next = Math.min(rule.max, next);
            const text = String(Number(next.toPrecision(12)));
            setDraft(text);
            commit(text, false);
          }
        }}
      />
      {parsed !== undefined && !parsed.ok && (
        <small id={hintId} className="field-error" role="status">
          {parsed.reason}
        </small>
      )}
    </label>
  );
}

/**
 * How an engine rule names chips: by built-in id, a chip defined by extending a listed one
 * (`--hardware ... extends: h200-sxm`) counting as that chip.
 */

/** What identifies a chip to an engine rule: its id and the built-in id it extends, if any. */
export interface ChipIdentity {
  readonly id: string;
  readonly origin: { readonly extends?: string };
}

/**
 * Whether `chips` names `chip` or the built-in chip it extends.
 * @example listsChip(["h200-sxm"], { id: "my-h200", origin: { extends: "h200-sxm" } }) // true
 */
export function listsChip(chips: readonly string[], chip: ChipIdentity): boolean {
  return (
    chips.includes(chip.id) || (chip.origin.extends !== undefined && chips.includes(chip.origin.extends))
  );
}

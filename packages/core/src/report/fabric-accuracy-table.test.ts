import { describe, expect, it } from "vitest";
import { FABRIC_TABLE_END, FABRIC_TABLE_START, fabricAccuracyTable } from "./fabric-accuracy-table.ts";
import type { ValidationReport } from "./validate.ts";
import type { ValidationRow } from "./validation-rows.ts";

/** A fabric row with what the table reads. */
const row = (id: string, relError: number, label: "evidence" | "calibration" = "evidence"): ValidationRow =>
  ({ id, kind: "fabric", description: id, relError, label, group: id }) as unknown as ValidationRow;
const table = (rows: ValidationRow[]) =>
  fabricAccuracyTable({ rows } as unknown as ValidationReport).split("\n");

describe("the fabric accuracy table (docs/fabric-model.md)", () => {
  it("puts each row in the first group whose test it passes and the rest in 'other'", () => {
    const lines = table([
      row("hybridep-gb200-ep8-sm16:dispatch", -0.083),
      row("hybridep-b200-ep8-sm16:combine", 0.021),
      row("no-such-publication-1", 0.5, "calibration"),
    ]);
    expect(lines[0]).toBe(FABRIC_TABLE_START);
    expect(lines.at(-1)).toBe(FABRIC_TABLE_END);
    const hybrid = lines.find((l) => l.startsWith("| Hybrid-EP in one NVLink domain"));
    // 2 rows, 2 measurements (2 evidence), 2 within ±15 %, median |error| 5.2 %, worst −8.3 %.
    expect(hybrid).toMatch(
      /\| 2 \| 2 \(2 evidence\) \| 2 \| 5\.2 % \| −8\.3 % \(hybridep-gb200-ep8-sm16:dispatch\) \|$/,
    );
    expect(lines.find((l) => l.startsWith("| other "))).toMatch(
      /\| 1 \| 1 \(0 evidence\) \| 0 \| 50\.0 % \| \+50\.0 % \(no-such-publication-1\) \|$/,
    );
    expect(lines.find((l) => l.startsWith("| **all fabric rows**"))).toMatch(
      /^\| \*\*all fabric rows\*\* \| 3 \| 3 \(2 evidence\) \| 2 \|/,
    );
  });
});

/**
 * The facts the pickers filter the examples by (computed at build time, `vite-example-facts.ts`)
 * agree with the documents themselves, read with the editor's `readKnob` as the pickers did when
 * every text was bundled: system, decode group, offline section, title.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleFacts } from "../src/app/example-facts.ts";
import { readKnob, scenarioRoles } from "../src/app/scenario-doc.ts";

const DIR = join(import.meta.dirname, "../../../examples");
const FILES = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));

describe("example facts", () => {
  it("match each shipped example's system, instance groups, offline section and name", () => {
    expect(FILES.length).toBeGreaterThan(40);
    for (const file of FILES) {
      const text = readFileSync(join(DIR, file), "utf8");
      const facts = exampleFacts(text, file);
      const system = readKnob(text, ["system"]);
      expect([file, facts]).toEqual([
        file,
        {
          title: readKnob(text, ["name"]),
          system: typeof system === "string" ? system : undefined,
          roles: scenarioRoles(text),
          offline: readKnob(text, ["offline"]) !== undefined,
        },
      ]);
    }
  });

  it("names the file when it is not valid YAML", () => {
    expect(() => exampleFacts("name: [unclosed\n", "broken.yaml")).toThrow(/^broken\.yaml: not valid YAML/);
  });

  it("has no title, system or groups for an empty document", () => {
    expect(exampleFacts("", "empty.yaml")).toEqual({
      title: "",
      system: undefined,
      roles: [],
      offline: false,
    });
  });
});

/**
 * One layer of the catalog: the definitions of some files (the built-in data, or one user file)
 * on top of an optional base layer. Resolves `extends` (within the layer, then in the base),
 * detects cycles, validates every definition in full, and converts it to SI.
 */
import type { z } from "zod";
import type { Chip, ClusterFabric, Origin, System } from "../hardware/index.ts";
import {
  chipDefinitionSchema,
  didYouMean,
  fabricDefinitionSchema,
  parseAdaptive,
  SupernodeError,
  safeParseAdaptive,
  schemaError,
  systemDefinitionSchema,
} from "../spec/index.ts";
import { chipFromDefinition } from "./chip-from-definition.ts";
import { fabricFromDefinition } from "./fabric-from-definition.ts";
import { mergeDefinitions } from "./merge-definitions.ts";
import type { DefinitionKind, PendingDefinition } from "./read-hardware-file.ts";
import { fillMissingSources, type SourceRegistry } from "./source-links.ts";
import { systemFromDefinition } from "./system-from-definition.ts";

type Path = ReadonlyArray<string | number>;
type Raw = Readonly<Record<string, unknown>>;

const SCHEMAS = {
  chip: chipDefinitionSchema,
  system: systemDefinitionSchema,
  fabric: fabricDefinitionSchema,
} as const;

function fail(
  kind: "unknown-id" | "invalid-value",
  def: PendingDefinition,
  detail: string,
  path: Path,
): never {
  const pos = def.locate(path);
  throw new SupernodeError(kind, detail, {
    file: def.fileName,
    line: pos?.line,
    column: pos?.column,
    fieldPath: [...def.prefix, ...path],
  });
}

/** Validates a merged definition; the first problem becomes an error at its line in the user's file. */
function validate<S extends z.ZodType>(def: PendingDefinition, data: unknown, schema: S): z.output<S> {
  const result = safeParseAdaptive(schema, data);
  if (result.success) return result.data;
  throw schemaError(result.error, def.fileName, def.locate, def.prefix);
}

export class CatalogLayer {
  readonly registry: SourceRegistry;
  private readonly pending = new Map<string, PendingDefinition>();
  private readonly validated = new Map<string, Raw>();
  private readonly chipsById = new Map<string, Chip>();
  private readonly systemsById = new Map<string, System>();
  private readonly fabricsById = new Map<string, ClusterFabric>();

  constructor(
    readonly base: CatalogLayer | undefined,
    definitions: readonly PendingDefinition[],
    registry: SourceRegistry,
    private readonly builtin: boolean,
  ) {
    this.registry = registry;
    for (const def of definitions) {
      const key = `${def.kind}:${def.id}`;
      const earlier = this.pending.get(key);
      if (earlier !== undefined)
        fail(
          "invalid-value",
          def,
          `${def.kind} id "${def.id}" is defined twice (also in ${earlier.fileName})`,
          ["id"],
        );
      if (base?.has(def.kind, def.id))
        fail(
          "invalid-value",
          def,
          `${def.kind} id "${def.id}" already exists in the catalog; give yours a new id and use "extends: ${def.id}" to derive from it`,
          ["id"],
        );
      this.pending.set(key, def);
    }
    // The built-in layer builds each definition on first use (its files are checked by the tests;
    // an estimate needs one chip and one system of dozens). A user's layer is built now, so that
    // every problem in the user's file is reported at once. Chips and fabrics first: systems refer to chips.
    if (builtin) return;
    for (const kind of ["chip", "fabric", "system"] as const)
      for (const def of definitions) if (def.kind === kind) this.build(def);
  }

  /** The built object of an id defined in this layer (built now if it was not yet), or undefined. */
  private own<T>(kind: DefinitionKind, id: string, built: ReadonlyMap<string, T>): T | undefined {
    const done = built.get(id);
    if (done !== undefined) return done;
    const def = this.pending.get(`${kind}:${id}`);
    if (def === undefined) return undefined;
    this.build(def);
    return built.get(id);
  }

  has(kind: DefinitionKind, id: string): boolean {
    return this.pending.has(`${kind}:${id}`) || (this.base?.has(kind, id) ?? false);
  }

  ids(kind: DefinitionKind): string[] {
    const own = [...this.pending.values()].filter((d) => d.kind === kind).map((d) => d.id);
    return [...(this.base?.ids(kind) ?? []), ...own];
  }

  chip(id: string): Chip | undefined {
    return this.own("chip", id, this.chipsById) ?? this.base?.chip(id);
  }

  system(id: string): System | undefined {
    return this.own("system", id, this.systemsById) ?? this.base?.system(id);
  }

  fabric(id: string): ClusterFabric | undefined {
    return this.own("fabric", id, this.fabricsById) ?? this.base?.fabric(id);
  }

  /** The validated definition (file units, sources filled) of an id in this layer or below. */
  validatedDefinition(kind: DefinitionKind, id: string, stack: readonly string[] = []): Raw | undefined {
    const key = `${kind}:${id}`;
    const def = this.pending.get(key);
    if (def === undefined) return this.base?.validatedDefinition(kind, id);
    const done = this.validated.get(key);
    if (done !== undefined) return done;
    if (stack.includes(id))
      fail("invalid-value", def, `extends cycle: ${[...stack, id].join(" → ")}`, ["extends"]);
    let merged: Record<string, unknown> = { ...def.raw };
    if (def.extends !== undefined) {
      const parent = this.validatedDefinition(kind, def.extends, [...stack, id]);
      if (parent === undefined)
        fail(
          "unknown-id",
          def,
          `"${def.extends}" is not a known ${kind} to extend. ${didYouMean(def.extends, this.ids(kind))}`,
          ["extends"],
        );
      merged = mergeDefinitions(parent, def.raw);
      if (kind === "chip") merged = withoutInheritedAddressable(merged, def.raw);
      if (def.raw.name === undefined) merged.name = `${String(parent.name)} (${def.id})`;
    }
    const schema = SCHEMAS[kind];
    const checked = validate(def, merged, schema);
    const filled = fillMissingSources(checked, def.namespace, this.builtin, def.fileName) as Raw;
    this.validated.set(key, filled);
    return filled;
  }

  private build(def: PendingDefinition): void {
    const raw = this.validatedDefinition(def.kind, def.id);
    if (raw === undefined) return;
    const origin: Origin = {
      kind: this.builtin ? "builtin" : "user",
      file: def.fileName,
      ...(def.extends === undefined ? {} : { extends: def.extends }),
    };
    switch (def.kind) {
      case "chip":
        this.chipsById.set(
          def.id,
          chipFromDefinition(parseAdaptive(chipDefinitionSchema, raw), this.registry, origin),
        );
        return;
      case "fabric":
        this.fabricsById.set(
          def.id,
          fabricFromDefinition(parseAdaptive(fabricDefinitionSchema, raw), this.registry),
        );
        return;
      case "system":
        this.systemsById.set(
          def.id,
          systemFromDefinition(parseAdaptive(systemDefinitionSchema, raw), {
            registry: this.registry,
            origin,
            chip: (id, path) =>
              this.chip(id) ??
              fail("unknown-id", def, `unknown chip "${id}". ${didYouMean(id, this.ids("chip"))}`, path),
            fail: (detail, path) => fail("invalid-value", def, detail, path),
          }),
        );
        return;
      default: {
        const unreachable: never = def.kind;
        throw new Error(`unknown definition kind ${String(unreachable)}`);
      }
    }
  }
}

/**
 * A chip that re-rates its memory (`memory.capacityGB`) without measuring what a program can
 * allocate of it does not keep its parent's `addressableGB`: that total measured the parent's memory
 * (an 80 GB what-if of a GB200 would otherwise keep the GB200's 197.9 GB).
 */
function withoutInheritedAddressable(merged: Raw, childRaw: Raw): Raw {
  const childMemory = childRaw.memory as Raw | undefined;
  if (childMemory?.capacityGB === undefined || childMemory.addressableGB !== undefined) return merged;
  const { addressableGB: _inherited, ...memory } = merged.memory as Raw;
  return { ...merged, memory };
}

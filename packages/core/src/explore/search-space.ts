/**
 * The deployments a search enumerates for one instance group (decode, or colocated when the
 * scenario has no decode group): chips per instance, attention TP (the rest of the ranks is
 * attention data parallelism), dense-FFN TP, MoE TP (EP = ranks / TP), the routed-expert layout
 * (shared experts fused into every rank, or on dedicated ranks as the base scenario has them),
 * batch per chip, microbatch overlap on or off, and MTP depth where the model has MTP modules.
 * Each candidate is a list of `--set`-style overrides of the base scenario document, so it is a
 * real scenario: `parseScenarioSource` validates and resolves it like a file.
 */
import type { InstancePlan, InstanceRole, Scenario } from "../deploy/index.ts";
import type { ScenarioOverride } from "../spec/index.ts";
import type { PrecisionChoice } from "./precision-choices.ts";

export interface SearchSpace {
  readonly role: InstanceRole;
  readonly chipsPerInstance: readonly number[];
  readonly attentionTp: readonly number[];
  /** Dense-FFN TP choices; `"attention"` ties it to the attention TP of the candidate. */
  readonly denseFfnTp: ReadonlyArray<number | "attention">;
  readonly moeTp: readonly number[];
  readonly batchPerChip: readonly number[];
  readonly microbatchOverlap: readonly boolean[];
  /** MTP draft tokens (0 = no MTP); only where the model has MTP modules. */
  readonly mtpDraftTokens: readonly number[];
  /** Acceptance rate of each MTP draft token (from the base scenario; required when depth > 0). */
  readonly mtpAcceptanceRate?: number;
  /** Shared-expert replicas on dedicated ranks as the base scenario has them (undefined: fused only). */
  readonly dedicatedSharedReplicas?: number;
  /** Pipeline stages to try (undefined: the base scenario's, i.e. no change). */
  readonly pp?: readonly number[];
  /** Precision choices (`precision-choices.ts`); undefined: the base scenario's precision only. */
  readonly precisions?: readonly PrecisionChoice[];
}

/** One point of the space, before it is resolved. */
export interface Candidate {
  readonly chipsPerInstance: number;
  readonly attentionTp: number;
  readonly denseFfnTp: number;
  readonly moeTp: number;
  /** Shared-expert replicas on their own ranks (undefined: fused into every rank). */
  readonly sharedReplicas?: number;
  readonly batchPerChip: number;
  readonly microbatchOverlap: boolean;
  readonly mtpDraftTokens: number;
  /** Pipeline stages (undefined: as the base scenario). */
  readonly pp?: number;
  /** Precision choice id (undefined: as the base scenario). */
  readonly precision?: PrecisionChoice["id"];
}

const BATCHES = [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];
const TPS = [1, 2, 4, 8, 16, 32, 64];

/**
 * The default space around a resolved base scenario: chips per instance in powers of two up to
 * one system (plus the base value and the whole system), the TP choices that divide the heads,
 * batches from 1 to 512 per chip, overlap on/off, MTP depth 0–2 where the model has MTP.
 * @example defaultSearchSpace(scenario).role // "decode"
 */
export function defaultSearchSpace(base: Scenario): SearchSpace {
  const role: InstanceRole = base.deployment.decode !== undefined ? "decode" : "colocated";
  const plan = searchedPlan(base, role);
  const chipsPerSystem = base.system.nodes.value * base.system.node.accelerator.count.value;
  const chips = new Set<number>();
  for (let c = 1; c <= chipsPerSystem; c *= 2) chips.add(c);
  chips.add(chipsPerSystem);
  chips.add(plan.chipsPerInstance);
  const heads = base.model.attention.numHeads;
  const attentionTp = TPS.filter((tp) => heads % tp === 0);
  const hasMtp = base.model.mtpModules > 0;
  const mtp = base.document.deployment[role]?.mtp;
  const moe = base.model.moe;
  const moeTp = moe === undefined ? [1] : TPS.filter((tp) => moe.expertIntermediateSize % tp === 0);
  const dedicated = base.document.deployment[role]?.moe.sharedExpertReplicas;
  return {
    role,
    chipsPerInstance: [...chips].sort((a, b) => a - b),
    attentionTp,
    denseFfnTp: ["attention", 1],
    moeTp,
    batchPerChip: BATCHES,
    microbatchOverlap: [false, true],
    mtpDraftTokens: hasMtp && mtp !== undefined ? [0, 1, 2] : [0],
    ...(mtp !== undefined ? { mtpAcceptanceRate: mtp.acceptanceRate } : {}),
    ...(dedicated !== undefined && moe !== undefined && moe.numSharedExperts > 0
      ? { dedicatedSharedReplicas: dedicated }
      : {}),
  };
}

/** The base scenario's plan of the searched group (decode, else colocated). */
export function searchedPlan(base: Scenario, role: InstanceRole): InstancePlan {
  const plan = base.deployment[role];
  if (plan === undefined) throw new Error(`the base scenario has no ${role} group`);
  return plan;
}

/** A candidate without its batch: what every batch of one layout shares. */
export type Layout = Omit<Candidate, "batchPerChip">;

/**
 * Every layout of the space (the search runs the batches of one layout together, so a layout
 * that does not divide is pruned once for all its batches).
 * @example [...layouts(space)].length * space.batchPerChip.length // candidates in the space
 */
export function* layouts(space: SearchSpace): Generator<Layout> {
  const pps: ReadonlyArray<number | undefined> = space.pp ?? [undefined];
  const precisions: ReadonlyArray<PrecisionChoice["id"] | undefined> = space.precisions?.map((p) => p.id) ?? [
    undefined,
  ];
  for (const precision of precisions)
    for (const pp of pps)
      for (const chipsPerInstance of space.chipsPerInstance)
        for (const attentionTp of space.attentionTp)
          for (const dense of uniq(space.denseFfnTp.map((d) => (d === "attention" ? attentionTp : d))))
            for (const moeTp of space.moeTp)
              for (const sharedReplicas of sharedChoices(space))
                for (const microbatchOverlap of space.microbatchOverlap)
                  for (const mtpDraftTokens of space.mtpDraftTokens)
                    yield {
                      chipsPerInstance,
                      attentionTp,
                      denseFfnTp: dense,
                      moeTp,
                      ...(sharedReplicas !== undefined ? { sharedReplicas } : {}),
                      microbatchOverlap,
                      mtpDraftTokens,
                      ...(pp !== undefined ? { pp } : {}),
                      ...(precision !== undefined ? { precision } : {}),
                    };
}

/** The number of candidates (layouts × batches) in a space. */
export function spaceSize(space: SearchSpace): number {
  let n = 0;
  for (const _ of layouts(space)) n++;
  return n * space.batchPerChip.length;
}

function sharedChoices(space: SearchSpace): ReadonlyArray<number | undefined> {
  return space.dedicatedSharedReplicas !== undefined
    ? [undefined, space.dedicatedSharedReplicas]
    : [undefined];
}

function uniq(values: readonly number[]): number[] {
  return [...new Set(values)];
}

/** What the model's MoE needs to lay experts out over EP ranks. */
export interface ExpertCounts {
  readonly routed: number;
  readonly shared: number;
}

/** What the overrides of every candidate share, read once from the base scenario. */
export interface CandidateContext {
  readonly role: InstanceRole;
  /** 2 on CloudMatrix384's 910C (a die is a rank), else 1. */
  readonly ranksPerChip: number;
  readonly experts?: ExpertCounts;
  readonly mtpAcceptanceRate?: number;
  /** The base group's microbatch-overlap section when it is one (streams, policy), for "on". */
  readonly overlap: Readonly<Record<string, unknown>>;
  /** The `precision` section of each precision choice (`as-written` has none). */
  readonly precisionSections?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Expert-parallel ranks of a candidate: the ranks of one pipeline stage over the MoE TP. */
export function candidateEp(c: Layout, ranksPerChip: number): number {
  return (c.chipsPerInstance * ranksPerChip) / ((c.pp ?? 1) * c.moeTp);
}

/**
 * The `--set` overrides that turn the base document into this candidate. Redundant experts pad
 * the expert slots up to a multiple of EP (as EPLB deployments do), so EP need not divide the
 * routed experts.
 * @example candidateOverrides(c, { role: "decode", ranksPerChip: 2, experts: { routed: 256, shared: 1 }, overlap: {} })
 */
export function candidateOverrides(c: Candidate, ctx: CandidateContext): ScenarioOverride[] {
  const at = (...path: string[]) => ["deployment", ctx.role, ...path];
  const out: ScenarioOverride[] = [
    { path: at("chipsPerInstance"), value: c.chipsPerInstance },
    { path: at("ranksPerInstance"), value: null },
    { path: at("attention", "tp"), value: c.attentionTp },
    { path: at("denseFfn", "tp"), value: c.denseFfnTp },
    { path: at("batchPerChip"), value: c.batchPerChip },
    { path: at("microbatchOverlap"), value: c.microbatchOverlap ? { ...ctx.overlap, enabled: true } : false },
  ];
  const experts = ctx.experts;
  if (experts !== undefined) {
    const ep = candidateEp(c, ctx.ranksPerChip);
    const sharedSlots = c.sharedReplicas !== undefined ? c.sharedReplicas * experts.shared : 0;
    const used = experts.routed + sharedSlots;
    const whole = Number.isInteger(ep) && ep > 0;
    out.push(
      { path: at("moe", "tp"), value: c.moeTp },
      { path: at("moe", "ep"), value: whole ? ep : null },
      { path: at("moe", "redundantExperts"), value: whole ? Math.ceil(used / ep) * ep - used : 0 },
      { path: at("moe", "sharedExpertReplicas"), value: c.sharedReplicas ?? null },
    );
  }
  if (c.pp !== undefined) out.push({ path: at("pp"), value: c.pp > 1 ? c.pp : null });
  const section = c.precision !== undefined ? ctx.precisionSections?.[c.precision] : undefined;
  if (section !== undefined) out.push({ path: ["precision"], value: section });
  if (c.mtpDraftTokens === 0) out.push({ path: at("mtp"), value: null });
  else
    out.push(
      { path: at("mtp", "draftTokens"), value: c.mtpDraftTokens },
      { path: at("mtp", "acceptanceRate"), value: ctx.mtpAcceptanceRate },
    );
  return out;
}

/** A one-line label of a candidate, e.g. `160 chips · attn TP1 · EP320 · B96 · overlap · MTP1`. */
export function candidateLabel(c: Candidate, ranksPerChip: number): string {
  const ep = candidateEp(c, ranksPerChip);
  const parts = [
    c.precision !== undefined && c.precision !== "as-written" ? c.precision.toUpperCase() : undefined,
    `${c.chipsPerInstance} chips`,
    c.pp !== undefined && c.pp > 1 ? `PP${c.pp}` : undefined,
    `attn TP${c.attentionTp}`,
    c.denseFfnTp !== c.attentionTp ? `FFN TP${c.denseFfnTp}` : undefined,
    `EP${ep}${c.moeTp > 1 ? ` TP${c.moeTp}` : ""}`,
    c.sharedReplicas !== undefined ? `shared×${c.sharedReplicas}` : undefined,
    `B${c.batchPerChip}`,
    c.microbatchOverlap ? "overlap" : undefined,
    c.mtpDraftTokens > 0 ? `MTP${c.mtpDraftTokens}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(" · ");
}

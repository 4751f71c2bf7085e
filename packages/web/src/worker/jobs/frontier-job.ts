/**
 * The Frontier view's job: core's deployment search (`searchDeployments`, docs/search.md) around a
 * decode scenario, and the Pareto frontier of tokens/s per chip against tokens/s per user
 * (`paretoFrontier`) — every evaluated point, the frontier with each point's deployment, the
 * scenario as written, and how many candidates were pruned and why.
 */
import {
  defaultSearchSpace,
  paretoFrontier,
  parseScenarioSource,
  readSourceDocument,
  type SearchSpace,
  searchDeployments,
} from "@supernode/core";
import type { OnProgress } from "../handlers.ts";

export interface FrontierRequest {
  readonly text: string;
  readonly fileName: string;
  /**
   * "quick": the scenario's chips per instance, microbatch overlap, MTP depth and MoE TP, varying
   * batch per chip and attention/dense-FFN TP (a few hundred candidates, seconds); "full": core's
   * default space, as `supernode frontier` searches it (thousands of candidates, minutes).
   */
  readonly space: "quick" | "full";
  /** TPOT limit in seconds (points above it are drawn but not ranked). */
  readonly tpotS?: number;
}

export interface FrontierPointView {
  readonly label: string;
  readonly tokensPerSPerUser: number;
  readonly tokensPerSPerChip: number;
  readonly tpotS: number;
  readonly memoryPerChipGB: number;
  readonly meetsSlo: boolean;
}

export interface FrontierView {
  readonly name: string;
  readonly system: string;
  readonly model: string;
  readonly total: number;
  readonly evaluated: number;
  readonly pruned: readonly { readonly reason: string; readonly count: number }[];
  /** Every evaluated point: [tokens/s per user, tokens/s per chip, meets the SLO (1/0)]. */
  readonly points: readonly (readonly [number, number, number])[];
  readonly frontier: readonly FrontierPointView[];
  /** The scenario as written. */
  readonly base: {
    readonly tokensPerSPerUser: number;
    readonly tokensPerSPerChip: number;
    readonly tpotS: number;
  };
  /** The best point under the SLO (by tokens/s per chip), if any. */
  readonly best?: FrontierPointView;
  /** The space searched. */
  readonly space: SearchSpace;
}

interface GroupDoc {
  readonly chipsPerInstance?: number;
  readonly microbatchOverlap?: boolean | { readonly enabled?: boolean };
  readonly mtp?: { readonly draftTokens?: number };
  readonly moe?: { readonly tp?: number };
}

/** The default space narrowed to the scenario's chips, overlap, MTP depth and MoE TP. */
function quickSpace(full: SearchSpace, group: GroupDoc | undefined): SearchSpace {
  const overlap = group?.microbatchOverlap;
  const enabled = typeof overlap === "object" ? overlap.enabled !== false : overlap === true;
  const chips = group?.chipsPerInstance;
  const mtp = group?.mtp?.draftTokens ?? 0;
  const moeTp = group?.moe?.tp ?? 1;
  return {
    ...full,
    chipsPerInstance: typeof chips === "number" ? [chips] : full.chipsPerInstance,
    microbatchOverlap: [enabled],
    mtpDraftTokens: full.mtpDraftTokens.includes(mtp) ? [mtp] : full.mtpDraftTokens.slice(0, 1),
    moeTp: full.moeTp.includes(moeTp) ? [moeTp] : full.moeTp.slice(0, 1),
  };
}

/** @example frontierJob({ text, fileName: "decode.yaml", space: "quick" }, () => {}).frontier.length */
export function frontierJob(request: FrontierRequest, onProgress: OnProgress): FrontierView {
  onProgress(0, "Reading the scenario…");
  const doc = readSourceDocument(request.text, request.fileName);
  const base = parseScenarioSource(doc);
  const full = defaultSearchSpace(base);
  const space = request.space === "quick" ? quickSpace(full, base.document.deployment[full.role]) : full;
  const result = searchDeployments(doc, base, {
    space,
    ...(request.tpotS === undefined ? {} : { slo: { tpotS: request.tpotS } }),
    progressEvery: 50,
    onProgress: (done, total) =>
      onProgress(
        total > 0 ? done / total : 0,
        `${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} candidates`,
      ),
  });
  const view = (p: (typeof result.points)[number]): FrontierPointView => ({
    label: p.label,
    tokensPerSPerUser: p.tokensPerSPerUser,
    tokensPerSPerChip: p.tokensPerSPerChip,
    tpotS: p.tpotS,
    memoryPerChipGB: p.memoryPerChipBytes / 1e9,
    meetsSlo: p.meetsSlo,
  });
  const best = result.ranked[0];
  return {
    name: base.name,
    system: base.system.name,
    model: base.model.id,
    total: result.total,
    evaluated: result.evaluated,
    pruned: Object.entries(result.pruned).map(([reason, count]) => ({ reason, count })),
    points: result.points.map((p) => [p.tokensPerSPerUser, p.tokensPerSPerChip, p.meetsSlo ? 1 : 0] as const),
    frontier: paretoFrontier(result.points).map(view),
    base: {
      tokensPerSPerUser: 1 / result.base.tpotS,
      tokensPerSPerChip: result.base.tokensPerSPerChip,
      tpotS: result.base.tpotS,
    },
    ...(best === undefined ? {} : { best: view(best) }),
    space,
  };
}

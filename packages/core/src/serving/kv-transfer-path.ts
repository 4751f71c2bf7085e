/**
 * The prefill→decode KV-cache transfer of a disaggregated deployment: the path the scenario's
 * `serving.kvTransfer` names (default: the RDMA plane), costed on the fabric model, and what one
 * request's transfer takes. The serving simulator moves every request's KV over this path; the
 * deployment search adds one idle-path transfer to its TTFT.
 */
import { type InstancePlan, type Scenario, servingKvBytesPerToken } from "../deploy/index.ts";
import { SupernodeError, servingSchema } from "../spec/index.ts";
import { fabricTransferModel } from "./fabric-transfer.ts";
import { systemTransferModel, type TransferModel, type TransferPathSpec } from "./transfer-model.ts";

/**
 * The KV path out of the prefill instances: a user bandwidth or the VPC plane as a link, else the
 * fabric model's send/recv over the RDMA plane or the scale-up fabric (one system only).
 * @example kvTransferPath(scenario, { plane: "rdma" }, scenario.deployment.prefill).transferS(100e6)
 */
export function kvTransferPath(
  scenario: Scenario,
  path: TransferPathSpec,
  prefill: InstancePlan,
): TransferModel {
  if (path.bandwidthGBps !== undefined || path.plane === "vpc")
    return systemTransferModel(scenario.system, path, prefill.chipsPerInstance);
  if (path.plane === "ub" && scenario.systemCount > 1)
    throw new SupernodeError(
      "unsupported",
      `the deployment spans ${scenario.systemCount} ${scenario.system.name} systems, so prefill→decode KV cannot move over one scale-up fabric; use serving.kvTransfer.plane: rdma`,
      { file: scenario.fileName, fieldPath: ["serving", "kvTransfer", "plane"] },
    );
  return fabricTransferModel(scenario.system, path.plane, prefill.ranksPerInstance);
}

export interface PromptKvTransfer {
  /** KV-cache bytes of one prompt (main model and MTP layers, the scenario's KV format). */
  readonly bytes: number;
  /** Seconds to move them over the idle path (fixed cost + bytes ÷ bandwidth). */
  readonly transferS: number;
  readonly path: string;
}

/**
 * One prompt's prefill→decode KV transfer over the scenario's path, as the simulator moves it:
 * prompt tokens × KV bytes per token (amortised over the prompt for sliding-window layers).
 * @example promptKvTransfer(scenario, 3072).transferS // ≈ 5 ms for DeepSeek-R1 INT8 KV over 200 Gb/s RDMA
 */
export function promptKvTransfer(scenario: Scenario, promptTokens: number): PromptKvTransfer {
  const prefill = scenario.deployment.prefill;
  if (prefill === undefined)
    throw new SupernodeError("usage", "a prefill→decode KV transfer needs a prefill group", {
      file: scenario.fileName,
      fieldPath: ["deployment", "prefill"],
    });
  const serving = scenario.serving ?? servingSchema.parse({});
  const path = kvTransferPath(scenario, serving.kvTransfer, prefill);
  const bytes = promptTokens * servingKvBytesPerToken(scenario.model, scenario.precision, promptTokens);
  return { bytes, transferS: path.transferS(bytes), path: path.description };
}

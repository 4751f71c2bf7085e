/**
 * The analytical engine's all-to-all-v: each rank sends the bytes of its row of a (source,
 * destination) matrix and receives those of its column; per tier the busiest rank (or server, for
 * the core tiers shared by a server's ranks) sets the time.
 */
import type { Part } from "./analytic-part.ts";
import type { FabricModel } from "./fabric-model.ts";
import { addClassBytes, emptyLoads, loadsTime } from "./tier-loads.ts";

/** One all-to-all-v of `matrix` (n × n bytes, row = source) among `n` ranks. */
export function matrixPart(model: FabricModel, n: number, matrix: Float64Array, scaleOut: boolean): Part {
  const worst = emptyLoads();
  const serverCore = new Float64Array(Math.ceil(n / model.ranksPerServer));
  const serverOut = new Float64Array(serverCore.length);
  let top = 0;
  const cls = (i: number, j: number) =>
    Math.floor(i / model.ranksPerPackage) === Math.floor(j / model.ranksPerPackage)
      ? 0
      : Math.floor(i / model.ranksPerServer) === Math.floor(j / model.ranksPerServer)
        ? 1
        : Math.floor(i / model.ranksPerSystem) === Math.floor(j / model.ranksPerSystem)
          ? 2
          : 3;
  for (let i = 0; i < n; i++) {
    const send = emptyLoads();
    const recv = emptyLoads();
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const k = cls(i, j);
      if (k > top) top = k;
      addClassBytes(model, send, k, matrix[i * n + j] ?? 0, scaleOut);
      addClassBytes(model, recv, k, matrix[j * n + i] ?? 0, scaleOut);
    }
    for (const key of ["d2d", "access", "scaleOut"] as const)
      worst[key] = Math.max(worst[key], send[key], recv[key]);
    const s = Math.floor(i / model.ranksPerServer);
    serverCore[s] = (serverCore[s] ?? 0) + Math.max(send.core, recv.core);
    serverOut[s] = (serverOut[s] ?? 0) + Math.max(send.scaleOutCore, recv.scaleOutCore);
  }
  for (let s = 0; s < serverCore.length; s++) {
    worst.core = Math.max(worst.core, (serverCore[s] ?? 0) / model.ranksPerServer);
    worst.scaleOutCore = Math.max(worst.scaleOutCore, (serverOut[s] ?? 0) / model.ranksPerServer);
  }
  const t = loadsTime(model, worst);
  const latencyS = scaleOut ? model.scaleOutLatencyS : (model.latencyS[top as 0] ?? 0);
  return { latencyS, transferS: t.seconds, bottleneck: t.bottleneck, report: t.report };
}

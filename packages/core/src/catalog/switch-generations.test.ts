import { describe, expect, it } from "vitest";
import { hostLinkFor } from "../deploy/host-links.ts";
import { systemPowerParts } from "../energy/power-data.ts";
import { builtinCatalog, extendCatalog } from "./catalog.ts";

const catalog = builtinCatalog();
const scaleUp = (id: string) => {
  const f = catalog.system(id).scaleUp;
  if (f.kind !== "single-tier-switch") throw new Error("expected a switch tier");
  return f;
};

describe("switch generations, switch trays and host links in the system data", () => {
  it("takes NVLS from the switch generation: NVSwitch 2 no, NVSwitch 3 and NVLink 5 yes", () => {
    expect(scaleUp("hgx-a100").switchGeneration?.id).toBe("nvswitch-2");
    expect(scaleUp("hgx-a100").inSwitchReduction).toBe(false);
    expect(scaleUp("hgx-h200").switchGeneration?.id).toBe("nvswitch-3"); // inherited from hgx-h100
    expect(scaleUp("hgx-h200").inSwitchReduction).toBe(true);
    for (const id of ["dgx-b200", "gb200-nvl72", "gb300-nvl72"]) {
      expect(scaleUp(id).switchGeneration?.id).toBe("nvlink5-switch");
      expect(scaleUp(id).inSwitchReduction).toBe(true);
      expect(scaleUp(id).switchGeneration?.inSwitchReduction.sources.length).toBeGreaterThan(0);
    }
    expect(scaleUp("atlas-800t-a3").inSwitchReduction).toBe(false);
  });

  it("counts the NVL72 switch chips as 9 trays × 2, in the topology data and in the power parts", () => {
    for (const id of ["gb200-nvl72", "gb300-nvl72"]) {
      expect(scaleUp(id).switchTrays?.value).toBe(9);
      expect(scaleUp(id).switchChips.value / (scaleUp(id).switchTrays?.value ?? 1)).toBe(2);
    }
    const part = systemPowerParts(catalog.system("gb200-nvl72")).parts.find(
      (p) => p.id === "nvlink-switches",
    );
    expect(part?.count).toBe(18);
  });

  it("offloads over the system's own C2C link (shared by the Grace's 2 GPUs), PCIe elsewhere", () => {
    expect(hostLinkFor(catalog.system("gb200-nvl72")).bytesPerSPerAccelerator).toBe(225e9);
    expect(hostLinkFor(catalog.system("gb300-nvl72")).name).toMatch(/C2C/);
    expect(hostLinkFor(catalog.system("hgx-h200")).bytesPerSPerAccelerator).toBe(64e9);
    expect(hostLinkFor(catalog.system("gb200-nvl72"), "pcie-gen5-x16").bytesPerSPerAccelerator).toBe(64e9);
  });

  it("lets a user file override NVLS, and refuses unknown generations and uneven trays at the field", () => {
    const off = extendCatalog(
      catalog,
      "systems:\n  - id: nvl72-no-nvls\n    extends: gb200-nvl72\n    scaleUp: { inSwitchReduction: false }\n",
      "my.yaml",
    );
    const f = off.system("nvl72-no-nvls").scaleUp;
    expect(f.kind === "single-tier-switch" && f.inSwitchReduction).toBe(false);
    expect(() =>
      extendCatalog(
        catalog,
        "systems:\n  - id: bad-gen\n    extends: gb200-nvl72\n    scaleUp: { switchGeneration: nvswitch-9 }\n",
        "my.yaml",
      ),
    ).toThrow(
      /my\.yaml.*switchGeneration.*unknown switch generation "nvswitch-9": expected one of nvswitch-2/,
    );
    expect(() =>
      extendCatalog(
        catalog,
        "systems:\n  - id: bad-trays\n    extends: gb200-nvl72\n    scaleUp: { switchTrays: 4 }\n",
        "my.yaml",
      ),
    ).toThrow(/switchChips \(18\) must be a multiple of switchTrays \(4\)/);
  });

  it("takes fullMesh only as one link to each peer of the node, without in-switch reduction", () => {
    expect(scaleUp("atlas-800t-a2").fullMesh).toBe(true); // 7 links, 8 NPUs
    const bad = (parentAndFields: string) =>
      extendCatalog(catalog, `systems:\n  - id: bad-mesh\n    extends: ${parentAndFields}\n`, "my.yaml");
    // NVSwitch planes are not links to peers: 4 × 5 links on an 8-GPU HGX H100
    expect(() => bad("hgx-h100\n    scaleUp: { fullMesh: true, switchGeneration: nvswitch-2 }")).toThrow(
      /my\.yaml:4:.*scaleUp\.fullMesh.*switchChips × linksPerSwitchPerChip \(\d+\) must be the accelerators per node − 1 \(7\)/,
    );
    expect(() => bad("atlas-800t-a2\n    scaleUp: { inSwitchReduction: true }")).toThrow(
      /scaleUp\.fullMesh.*fullMesh has no switch: inSwitchReduction .* must be false/,
    );
  });
});

/** The HTML chart legend's entries: series colours as ECharts draws them, outline-only series by border. */
import { describe, expect, it } from "vitest";
import { legendItems } from "../src/components/chart-legend.tsx";

describe("legendItems", () => {
  it("takes a set colour, else the palette's by series index; merges repeated names", () => {
    const items = legendItems(
      {
        series: [
          { name: "a", type: "bar" },
          { name: "b", type: "line", lineStyle: { color: "#123456", type: "dotted" } },
          { name: "b", type: "line", lineStyle: { color: "#123456", type: "dotted" } },
          { name: "c", type: "bar" },
        ],
      },
      ["#111111", "#222222", "#333333", "#444444"],
    );
    expect(items).toEqual([
      { name: "a", color: "#111111", dashed: false },
      { name: "b", color: "#123456", dashed: true },
      { name: "c", color: "#444444", dashed: false },
    ]);
  });

  it("shows an outline-only series (the step time) by its border colour and style", () => {
    const [item] = legendItems(
      {
        series: [
          {
            name: "step time",
            itemStyle: { color: "transparent", borderColor: "#1b2430", borderType: "dashed" },
          },
        ],
      },
      ["#111111"],
    );
    expect(item).toEqual({ name: "step time", color: "#1b2430", dashed: true });
  });
});

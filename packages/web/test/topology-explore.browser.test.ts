/**
 * The Topology diagram in Chromium: GB200 NVL72's 9 switch trays of 2 NVLink switch chips drawn
 * as trays; zoom by buttons and wheel, pan by dragging, reset; keyboard selection with a details
 * panel; a click on a bundle of links selects it (its tier, capacity and load); hiding a tier.
 */
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { describeInBrowser } from "./browser-harness.ts";

const svg = (page: Page) => page.locator("svg.topology-svg");

async function viewBox(page: Page): Promise<number[]> {
  return ((await svg(page).getAttribute("viewBox")) ?? "").split(" ").map(Number);
}

describeInBrowser("Topology exploration in Chromium", (harness) => {
  it("draws NVL72's switch trays; zooms, pans, selects by keyboard and click", async () => {
    const { page, errors } = await harness.open(
      "topology?system=gb200-nvl72&load=collective&op=all-to-all&mib=64",
    );
    await page.locator('main [data-job-status="done"]').first().waitFor({ timeout: 90_000 });
    await page.locator(".load-summary").waitFor();
    // 9 trays, each holding 2 switch chips.
    const trays = svg(page).locator("rect.box-switch-tray");
    expect(await trays.count()).toBe(9);
    expect(await svg(page).locator("text.box-label-switch-tray").allTextContents()).toEqual(
      Array.from({ length: 9 }, (_, t) => `switch tray ${t}`),
    );
    const full = await viewBox(page);
    expect(full[0]).toBe(0);

    // Buttons zoom about the centre; reset restores the whole drawing.
    await page.getByRole("button", { name: "Zoom in" }).click();
    const zoomed = await viewBox(page);
    expect(zoomed[2]).toBeCloseTo((full[2] ?? 0) / 1.5, 3);
    expect(await page.locator(".zoom-level").innerText()).toBe("150 %");
    // Dragging pans (the drawing moves with the pointer: the view box moves the other way).
    const box = await svg(page).boundingBox();
    if (box === null) throw new Error("no diagram");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    const panned = await viewBox(page);
    expect(panned[0]).toBeGreaterThan(zoomed[0] ?? 0);
    expect(panned[2]).toBeCloseTo(zoomed[2] ?? 0, 6);
    // The wheel zooms in further about the pointer.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await viewBox(page))[2] ?? 0).toBeLessThan(panned[2] ?? 0);
    await page.getByRole("button", { name: "Reset view" }).click();
    expect(await viewBox(page)).toEqual(full);

    // Keyboard: focus the diagram, arrows walk the items, the details panel follows.
    const details = page.locator("aside.topology-details");
    expect(await details.getAttribute("data-selected")).toBe("none");
    await svg(page).focus();
    await page.keyboard.press("ArrowRight");
    expect(await details.locator("h3").innerText()).toBe("switch tray 0 chip 0");
    await page.keyboard.press("ArrowRight");
    expect(await details.locator("h3").innerText()).toBe("switch tray 0 chip 1");
    expect(await details.locator('[data-fact="kind"] dd').innerText()).toBe("switch chip");
    expect(await details.locator('[data-fact="bundles"] dd').innerText()).toBe("18");
    expect(await details.locator('[data-fact="peak link load"] dd').innerText()).toMatch(/^\d+ %$/);
    expect(await svg(page).locator(".selected").count()).toBe(1);
    await page.keyboard.press("+");
    expect((await viewBox(page))[2]).toBeLessThan(full[2] ?? 0);
    await page.keyboard.press("0");
    await page.keyboard.press("Escape");
    expect(await details.getAttribute("data-selected")).toBe("none");

    // A related bundle button selects the bundle: tier, capacity (4 GPUs × 50 GB/s) and load.
    await page.keyboard.press("ArrowRight");
    await details.locator(".related-bundles button").first().click();
    expect(await details.getAttribute("data-selected")).toMatch(/^b\d+$/);
    expect(await details.locator('[data-fact="tier"] dd').innerText()).toBe(
      "device ↔ switch (scale-up access)",
    );
    expect(await details.locator('[data-fact="capacity per direction"] dd').innerText()).toBe("200 GB/s");
    expect(await details.locator('[data-fact="links"] dd').innerText()).toBe("4 (each both directions)");

    // Clicking a bundle's (wide, invisible) hit line selects that bundle: click a point of its
    // line where it is the topmost shape (bundles cross each other).
    const target = await svg(page).evaluate((el) => {
      const groups = [...el.querySelectorAll("g[data-item^='b']")];
      for (const g of groups.reverse()) {
        const l = g.querySelector("line.hit") as SVGLineElement | null;
        const m = l?.getScreenCTM();
        if (l == null || m == null) continue;
        for (let t = 0.1; t < 0.95; t += 0.05) {
          const p = new DOMPoint(
            l.x1.baseVal.value + t * (l.x2.baseVal.value - l.x1.baseVal.value),
            l.y1.baseVal.value + t * (l.y2.baseVal.value - l.y1.baseVal.value),
          ).matrixTransform(m);
          const top = document.elementFromPoint(p.x, p.y)?.closest("[data-item]");
          if (top === g) return { key: g.getAttribute("data-item"), x: p.x, y: p.y };
        }
      }
      return undefined;
    });
    if (target === undefined) throw new Error("no bundle is topmost anywhere along its line");
    await page.mouse.click(target.x, target.y);
    expect(await details.getAttribute("data-selected")).toBe(target.key);
    expect(await details.locator('[data-fact="tier"] dd').count()).toBe(1);

    await harness.screenshot(page, "topology-trays-1440");
    // Links are grouped by tier; unticking the tier hides its bundles and drops the selection.
    const tier = svg(page).locator('g.bundles[data-tier="scale-up-access"]');
    expect(await tier.locator("g[data-item]").count()).toBe(18 * 18);
    await page.locator('.tier-filter label[data-tier="scale-up-access"] input').uncheck();
    expect(await tier.count()).toBe(0);
    expect(await details.getAttribute("data-selected")).toBe("none");
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

/**
 * The Validate view's data for browser tests that only display it: the page's `validate` job is
 * answered with core's report computed once for the test run in Node (`sharedValidationReport`:
 * `validate()`, which is all the page's `validateJob` does), instead of each page computing the
 * whole ledger again in its worker (tens of seconds of CPU per page). Every other job runs in the
 * page's worker as usual, and the report the page gets is the one its worker would compute (the
 * same function of the same sources; playwright's serializer keeps NaN, infinities and undefined
 * fields, as the worker's structured clone does).
 *
 * A context's pages get the Node report by default; a page set to `"in-page"` (harness.open's
 * option, or `validationSource` before a reload) computes the ledger in its own worker, end to end
 * — web-app-validate.browser.test.ts does, and checks it against Node's.
 */
import type { BrowserContext, Page } from "playwright-core";
import { sharedValidationReport } from "../../cli/src/test-support/shared-validation-report.ts";

/** Where the page's validate job gets its report. */
export type ValidationSource = "node" | "in-page";

/** The page-global flag the init script reads when a validate job starts (absent: "node"). */
const SOURCE_FLAG = "__supernodeTestValidationSource";
/** The binding through which the page asks Node for the encoded report. */
const REPORT_BINDING = "__supernodeTestValidationReport";

/**
 * Runs in the page before its scripts: wraps `Worker` so that a `validate` request (unless the
 * page is set to "in-page") is answered with Node's report through the binding, dispatched on the
 * worker object as the worker's own `result` message; every other request goes to the worker.
 */
function answerValidateFromNode(names: { flag: string; binding: string }): void {
  const g = globalThis as unknown as Record<string, unknown> & { Worker: typeof Worker };
  const RealWorker = g.Worker;
  g.Worker = class extends RealWorker {
    override postMessage(message: unknown, options?: StructuredSerializeOptions | Transferable[]): void {
      const m = message as { id?: number; request?: { kind?: string } } | null;
      if (m?.request?.kind !== "validate" || g[names.flag] === "in-page") {
        super.postMessage(message, options as StructuredSerializeOptions);
        return;
      }
      const ask = g[names.binding] as () => Promise<unknown>;
      ask().then(
        (value) =>
          this.dispatchEvent(new MessageEvent("message", { data: { id: m.id, type: "result", value } })),
        (error: unknown) =>
          this.dispatchEvent(
            new MessageEvent("message", {
              data: {
                id: m.id,
                type: "error",
                error: { kind: "internal", message: String(error), internal: true },
              },
            }),
          ),
      );
    }
  };
}

/** Makes every page of `context` get Node's report for its validate jobs (unless set to "in-page"). */
export async function answerValidateInNode(context: BrowserContext): Promise<void> {
  await context.exposeFunction(REPORT_BINDING, sharedValidationReport);
  await context.addInitScript(answerValidateFromNode, { flag: SOURCE_FLAG, binding: REPORT_BINDING });
}

/**
 * Where this page's validate jobs get their report from its next load on (a navigation or a
 * reload; the page's later init script wins over an earlier one).
 */
export async function validationSource(page: Page, source: ValidationSource): Promise<void> {
  await page.addInitScript(
    ({ flag, value }) => {
      (globalThis as unknown as Record<string, unknown>)[flag] = value;
    },
    { flag: SOURCE_FLAG, value: source },
  );
}

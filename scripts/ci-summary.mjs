#!/usr/bin/env node
// Reads vitest's JSON report and prints the closing line CI recognises: "N passed, N failed".
// Extra failures (type-check, lint) given as the second argument count as failed checks.
import { readFileSync } from "node:fs";

const [reportPath, extraFailedArg = "0"] = process.argv.slice(2);
const extraFailed = Number(extraFailedArg) || 0;
let passed = 0;
let failed = extraFailed;
try {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed = report.numPassedTests ?? 0;
  // A failed file whose tests did not fail (an import or setup error) counts as one failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
  failed += (report.numFailedTests ?? 0) + brokenFiles;
  if ((report.numTotalTests ?? 0) === 0) failed += 1; // a run that ran no test is a failure
} catch (error) {
  console.error(`could not read ${reportPath}: ${error.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/**
 * The order of engine and library releases as the data files key them ("0.4.6" < "0.11.1",
 * "2.26.2" < "2.27.3", "1.3.0rc5" < "1.3.0rc20" < "1.3.0" < "1.3.0.post1"): PEP 440's, which
 * vLLM, SGLang, TensorRT-LLM and vLLM-Ascend publish their Python packages under (pre-releases
 * before the release, post-releases after it; "2025.06" equals "2025.6"). NCCL's dotted versions
 * order the same way under it. Implemented by @renovatebot/pep440.
 */
import { compare, valid } from "@renovatebot/pep440";

/**
 * Negative when `a` is older than `b`, zero when equal, positive when newer. A string PEP 440
 * cannot read is refused (the schemas refuse it earlier, naming the file and field).
 * @example compareVersions("1.3.0rc5", "1.3.0rc20") // < 0
 */
export function compareVersions(a: string, b: string): number {
  for (const version of [a, b])
    if (valid(version) === null)
      throw new Error(`"${version}" is not a release version (expected e.g. "0.11.1" or "1.3.0rc20")`);
  return compare(a, b);
}

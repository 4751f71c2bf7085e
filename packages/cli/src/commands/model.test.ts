import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "supernode-model-"));

function configFile(name: string, config: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

const tinyLlama = {
  model_type: "llama",
  hidden_size: 256,
  num_hidden_layers: 4,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  vocab_size: 1000,
  intermediate_size: 512,
};

describe("supernode model", () => {
  it("reports DeepSeek-V3: 671B total, 37B activated, 70.3 KB of BF16 KV per token", () => {
    const { status, stdout } = runCli(["model", "deepseek-v3", "--json"]);
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    expect(Math.abs(r.parameters.total.relativeError)).toBeLessThan(0.02);
    expect(r.parameters.total.ours / 1e9).toBeCloseTo(671, 0);
    expect(Math.abs(r.parameters.activatedPerToken.ours / 37e9 - 1)).toBeLessThan(0.02);
    expect(r.kvCache.bytesPerToken).toBe(61 * 576 * 2);
    expect(r.kvCache.dtype).toBe("bf16");
    expect(r.layers).toEqual({ total: 61, dense: 3, moe: 58, mtpModules: 1 });
  }, 60_000);

  it("reads a user config.json, prints a text summary and honours the dtype flags", () => {
    const path = configFile("tiny-config.json", tinyLlama);
    const { status, stdout } = runCli(["model", path, "--weights-dtype", "fp8", "--kv-dtype", "fp8"]);
    expect(status).toBe(0);
    expect(stdout).toContain("GQA: 8 query / 2 KV heads of 32");
    expect(stdout).toContain("fp8 (block-128x128) by component");
    expect(stdout).toContain("KV cache (fp8): 128 B per token per layer");
  }, 60_000);

  it("names the file, line and field of a missing required field", () => {
    const path = configFile("missing.json", { ...tinyLlama, num_hidden_layers: undefined });
    const { status, stderr } = runCli(["model", path]);
    expect(status).toBe(1);
    expect(stderr).toContain("missing.json");
    expect(stderr).toMatch(/field num_hidden_layers: required field is missing: expected an integer/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("lists the supported model types for an unknown model_type", () => {
    const path = configFile("unknown.json", { ...tinyLlama, model_type: "falcon" });
    const { status, stderr } = runCli(["model", path]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/unknown\.json:2:\d+, field model_type: unknown model_type "falcon"/);
    expect(stderr).toMatch(/supported model types are llama, qwen2, .*deepseek_v3, deepseek_v32, kimi_k2/);
  }, 60_000);

  it("suggests zoo ids and rejects bad flags", () => {
    const unknown = runCli(["model", "llama-3.1-7b"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("llama-3.1-8b");
    const badFlag = runCli(["model", "qwen3-32b", "--kv-dtype", "fp6"]);
    expect(badFlag.status).toBe(1);
    expect(badFlag.stderr).toContain("--kv-dtype must be one of");
  }, 60_000);

  it("reports a path it cannot read (a directory) as a one-paragraph error, not a crash", () => {
    const { status, stderr } = runCli(["model", dir]);
    expect(status).toBe(1);
    expect(stderr).toContain(`${dir}: cannot read the model config (EISDIR)`);
    expect(stderr).not.toContain("internal error");
  }, 60_000);
});

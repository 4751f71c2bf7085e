// The V8 flag given to the processes that predict the whole ledger or most of it: the test workers
// (vitest.config.ts) and the build's reference-table parts (scripts/build-cli.mjs). The end-to-end
// predictions allocate short-lived objects at a high rate (operator lists, memo keys, step
// records), and with Node 20's default young generation (16 MB semi-spaces) V8 scavenges it very
// often. With 64 MB semi-spaces the same computation, the same values, took 4.8–7.1 % less CPU
// (endToEndReferenceCases() through tsx, three pairs run side by side on the 2-core machine:
// 64.1 → 61.1, 69.1 → 64.2, 71.5 → 67.7 s user + system; house-stop-51 write-up). It costs at most
// ≈ 100 MB more memory per process.
export const YOUNG_GENERATION_FLAGS = ["--max-semi-space-size=64"];

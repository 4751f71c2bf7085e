// Vitest set-up file (runs before each test file): every fast-check property runs from one fixed
// seed, so `npm test` (and CI) gives the same verdict on the same commit. A random seed once
// failed CI on a subnormal input the previous run had not drawn; exploring is still one command:
//   SUPERNODE_PROPERTY_SEED=random npm test      (a fresh seed; fast-check prints it on failure)
//   SUPERNODE_PROPERTY_SEED=1114336041 npm test  (replays a printed seed)
import fc from "fast-check";

const FIXED_SEED = 20261204;
const requested = process.env.SUPERNODE_PROPERTY_SEED;
if (requested !== "random") {
  const seed = requested === undefined || requested === "" ? FIXED_SEED : Number(requested);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`SUPERNODE_PROPERTY_SEED: expected an integer or "random", got "${requested}"`);
  }
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}

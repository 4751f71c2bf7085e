// Vitest global set-up: the few end-to-end tests spawn the built CLI (runCliProcess), so the build
// is brought up to date with the sources once, before any test runs (no-op when it is current).
import { buildCli, isCliBuildStale } from "./build-cli.mjs";

export default async function setup() {
  if (isCliBuildStale()) await buildCli({ quiet: true });
}

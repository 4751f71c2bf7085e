#!/usr/bin/env node
// Test support (scripts/test-global-setup.mjs starts it for `npm test`): the web app's build for
// the browser tests (packages/web/test/shared-build.ts), made while the `ledger` project's one
// worker leaves the other core idle, so the first browser test finds it instead of building it.
// A no-op when a build of the current sources is cached. Run with tsx:
// node --import tsx scripts/test-web-build.mjs
import { sharedWebBuild } from "../packages/web/test/shared-build.ts";

await sharedWebBuild();

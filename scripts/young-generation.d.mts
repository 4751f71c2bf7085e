// Types of young-generation.mjs (imported by vitest.config.ts and scripts/vitest-projects.test.ts).
/** The V8 flags of the processes that predict the ledger (see young-generation.mjs). */
export declare const YOUNG_GENERATION_FLAGS: string[];

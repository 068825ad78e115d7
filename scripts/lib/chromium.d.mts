// Types for scripts/lib/chromium.mjs (plain Node ESM, imported by the browser tests).
export declare function findChromium(env: Record<string, string | undefined>): string | undefined;
export declare function ensureChromium(ctx: unknown): void;

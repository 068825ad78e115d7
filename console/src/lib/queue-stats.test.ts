import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QueueProjectShareSchema, QueueStatsPointSchema } from "@gen/taskyard/v1/queue_service_pb.js";
import { describe, expect, it } from "vitest";
import { fairnessRows, fairnessSummary, formatRate, formatRateLimit, formatWait, historySeries, throughputSummary, waitSummary } from "./queue-stats";

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const point = (i: number, started: number, finished: number, waitMs: number) =>
  create(QueueStatsPointSchema, { startTime: timestampFromMs(T0 + i * 60_000), started: BigInt(started), finished: BigInt(finished), averageWait: durationFromMs(waitMs) });

describe("queue stats in words", () => {
  it("formats rates and rate limits", () => {
    expect(formatRate(0)).toBe("0/min");
    expect(formatRate(1.25)).toBe("1.3/min");
    expect(formatRate(42.4)).toBe("42/min");
    expect(formatRateLimit(undefined)).toBe("unlimited");
    expect(formatRateLimit({ perSecond: 0, burst: 3 })).toBe("unlimited");
    expect(formatRateLimit({ perSecond: 2, burst: 5 })).toBe("2/s (burst 5)");
  });

  it("formats waits below 10 s in tenths", () => {
    expect(formatWait(0)).toBe("0 s");
    expect(formatWait(180)).toBe("0.2 s");
    expect(formatWait(9_940)).toBe("9.9 s");
    expect(formatWait(75_000)).toBe("1 min 15 s");
  });

  it("turns the history into chart series", () => {
    const s = historySeries([point(0, 2, 1, 1500), point(1, 0, 0, 0)]);
    expect(s.started).toEqual([2, 0]);
    expect(s.finished).toEqual([1, 0]);
    expect(s.waitSeconds).toEqual([1.5, null]);
    expect(s.times[1]!.getTime()).toBe(T0 + 60_000);
  });

  it("sums the charts up in a sentence, and handles an empty history", () => {
    const h = [point(0, 1, 0, 2000), point(1, 3, 2, 4000), point(2, 0, 1, 0)];
    expect(throughputSummary(h)).toMatch(/^Last 3 minutes: 4 started, 3 finished; busiest minute .+ with 3 started\.$/);
    expect(waitSummary(h)).toBe("Over 2 minutes with starts: average wait 3 s, longest 4 s.");
    expect(waitSummary([point(0, 1, 1, 180)])).toBe("Over 1 minute with starts: average wait 0.2 s, longest 0.2 s.");
    expect(throughputSummary([])).toBe("No history yet.");
    expect(waitSummary([point(0, 0, 1, 0)])).toMatch(/^No task started/);
  });

  it("sums the fairness view up", () => {
    const rows = fairnessRows([
      create(QueueProjectShareSchema, { project: "a", running: 1n, queued: 2n }),
      create(QueueProjectShareSchema, { project: "", running: 0n, queued: 1n }),
    ]);
    expect(fairnessSummary(rows)).toBe("1 slot is held: a holds 1 and has 2 waiting; (no project) holds 0 and has 1 waiting.");
    expect(fairnessSummary([])).toBe("No task of this queue is running or waiting.");
  });
});

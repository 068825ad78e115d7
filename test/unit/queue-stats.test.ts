import { describe, expect, it } from "vitest";
import { fillHistory, HISTORY_MINUTES, historyWindow } from "../../src/queues/stats.js";

describe("queue stats history", () => {
  it("covers the 60 whole minutes ending with the current one", () => {
    const { since, until } = historyWindow(new Date("2026-03-01T10:15:42.123Z"));
    expect(until.toISOString()).toBe("2026-03-01T10:16:00.000Z");
    expect(since.toISOString()).toBe("2026-03-01T09:16:00.000Z");
    // On a minute's first millisecond, that minute is the last one.
    expect(historyWindow(new Date("2026-03-01T10:15:00.000Z")).until.toISOString()).toBe("2026-03-01T10:16:00.000Z");
  });

  it("fills minutes with nothing with zeros and places each row at its minute", () => {
    const since = new Date("2026-03-01T09:16:00.000Z");
    const points = fillHistory(since, [{ minute: 0, started: 2, averageWaitMs: 1500.4 }, { minute: 59, started: 1, averageWaitMs: null }], [{ minute: 59, finished: 3 }, { minute: 60, finished: 9 }]);
    expect(points).toHaveLength(HISTORY_MINUTES);
    expect(points[0]).toEqual({ startTime: since, started: 2, finished: 0, averageWaitMs: 1500 });
    expect(points[1]).toEqual({ startTime: new Date("2026-03-01T09:17:00.000Z"), started: 0, finished: 0, averageWaitMs: 0 });
    expect(points[59]).toEqual({ startTime: new Date("2026-03-01T10:15:00.000Z"), started: 1, finished: 3, averageWaitMs: 0 });
    // A row past the window (a clock ahead) is dropped, not appended.
    expect(points.reduce((n, p) => n + p.finished, 0)).toBe(3);
  });
});

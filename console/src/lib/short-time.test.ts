import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { shortTime } from "./short-time";

describe("shortTime", () => {
  const now = new Date(2026, 10, 2, 15, 0, 0);

  it("shows only the time for today, and the day too for other days", () => {
    expect(shortTime(timestampFromDate(new Date(2026, 10, 2, 9, 5, 7)), now).text).toMatch(/^09:05:07$/);
    expect(shortTime(timestampFromDate(new Date(2026, 10, 1, 9, 5, 7)), now).text).toMatch(/1.*09:05:07/);
  });

  it("shows a dash for no time", () => {
    expect(shortTime(undefined, now)).toEqual({ text: "—", title: "" });
  });
});

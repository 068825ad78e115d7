import { describe, expect, it } from "vitest";
import { AbortedError, AlreadyExistsError } from "../../src/domain/errors.js";
import { transactionWithRetry, translateDbError } from "../../src/infra/db/errors.js";

const deadlock = () => Object.assign(new Error("Deadlock found when trying to get lock"), { errno: 1213, code: "ER_LOCK_DEADLOCK" });

describe("transactionWithRetry", () => {
  it("runs a deadlock victim again, also when a repository call inside already translated the error", async () => {
    let runs = 0;
    const value = await transactionWithRetry(async () => {
      runs++;
      if (runs === 1) throw deadlock();
      if (runs === 2) throw translateDbError(deadlock());
      return "done";
    });
    expect([value, runs]).toEqual(["done", 3]);
  });

  it("gives up after four runs with ABORTED", async () => {
    let runs = 0;
    const err = await transactionWithRetry(async () => {
      runs++;
      throw deadlock();
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(runs).toBe(4);
  });

  it("does not run again on other errors", async () => {
    let runs = 0;
    const err = await transactionWithRetry(async () => {
      runs++;
      throw Object.assign(new Error("Duplicate entry"), { errno: 1062 });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect(runs).toBe(1);
  });
});

/**
 * Token buckets kept in MySQL, so a limit holds across every API replica: N replicas together
 * let a tenant create at the configured rate, not N times it.
 *
 * One statement per take, in autocommit: `INSERT … ON DUPLICATE KEY UPDATE … RETURNING`. MariaDB
 * evaluates the assignments left to right on the updated values, so the refill, the decision and
 * the debit happen under the row lock of that one statement (no transaction held across round
 * trips), and the database clock is the only clock (replicas' clocks may differ).
 */
import type { EntityManager } from "typeorm";
import { dbCall } from "../infra/db/errors.js";

export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}

export class RateBucketRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Takes `cost` tokens from the tenant's bucket `name` (full when first used) and answers 0, or
   * takes none and answers the milliseconds until `cost` tokens will be there. `cost` ≤ burst.
   */
  async take(tenant: string, name: string, cost: number, limit: BucketLimit): Promise<number> {
    const { ratePerSecond: rate, burst } = limit;
    const rows = (await dbCall(() =>
      this.manager.query(
        `INSERT INTO rate_buckets (tenant, name, tokens, refill_time, taken) VALUES (?, ?, ?, NOW(3), TRUE)
         ON DUPLICATE KEY UPDATE
           tokens = LEAST(?, tokens + GREATEST(0, TIMESTAMPDIFF(MICROSECOND, refill_time, NOW(3))) / 1e6 * ?),
           taken = tokens >= ?,
           tokens = IF(taken, tokens - ?, tokens),
           refill_time = NOW(3)
         RETURNING tokens, taken`,
        [tenant, name, burst - cost, burst, rate, cost, cost],
      ),
    )) as Array<{ tokens: number; taken: number | boolean }>;
    const row = rows[0];
    if (!row) throw new Error("rate_buckets: INSERT … RETURNING answered no row");
    if (Number(row.taken)) return 0;
    return Math.max(1, Math.ceil(((cost - Number(row.tokens)) / rate) * 1000));
  }
}

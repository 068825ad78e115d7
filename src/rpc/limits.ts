/**
 * Per-tenant and per-caller limits that stop abuse without hurting normal use (docs/security.md):
 *
 * - Task creation (CreateTask, BatchCreateTasks, CloneTask) draws from a token bucket per tenant:
 *   one token per task created (validate_only draws none). An empty bucket answers
 *   RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail and a `retry-after` header saying
 *   when enough tokens will be back.
 *   The buckets live where `createTokens` keeps them: the API server passes the MySQL ones
 *   (limits/rate-bucket-repository.ts), so the rate holds across all replicas together.
 * - Open streams and long polls (WatchTask, WatchTasks, WaitTask, reflection) per caller (tenant +
 *   principal), counted per replica: a stream holds that replica's resources, so that is where
 *   the cap belongs. Size limits (request bytes, tags, labels, params,
 * page size, filter length and depth) are enforced where the request is read: rpc/server.ts
 * (`readMaxBytes`), rpc/validate.ts and tasks/filter.
 */
import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { RetryInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import { TaskService } from "../gen/taskyard/v1/task_service_pb.js";
import { BATCH_LIMIT } from "../tasks/inputs.js";
import { PUBLIC_SERVICES } from "./authz.js";
import { callerKey } from "./caller.js";

export interface LimitsOptions {
  /** Tasks per second per tenant; 0 = unlimited. */
  createRatePerSecond: number;
  /** Bucket size: tasks a tenant may create at once after being idle. */
  createBurst: number;
  /** Open streams per caller; 0 = unlimited. */
  maxStreamsPerCaller: number;
  /** Where creation tokens are kept; default: in this process (TokenBuckets). */
  createTokens?: TokenSource;
  /** Milliseconds clock of the in-process default, for tests. */
  now?: () => number;
  /** Told of each refusal (taskyard_rate_limited_total). */
  onRejected?: (reason: RejectionReason) => void;
}

/** Why a call was refused: the tenant's creation rate, a batch over the burst, or too many open streams. */
export type RejectionReason = "create_rate" | "create_burst" | "streams";

/** Takes `cost` tokens of a tenant's bucket: 0, or the milliseconds until they will be there. */
export interface TokenSource {
  take(tenant: string, cost: number): Promise<number> | number;
}

/** Unary calls that hold the server like a stream: long polls. */
const LONG_POLLS: ReadonlySet<string> = new Set([`${TaskService.typeName}/WaitTask`]);


/** How many tasks a request creates, by method name of TaskService. */
const CREATE_COST: Readonly<Record<string, (message: { validateOnly?: boolean; requests?: unknown[] }) => number>> = {
  CreateTask: (m) => (m.validateOnly ? 0 : 1),
  BatchCreateTasks: (m) => (m.validateOnly ? 0 : (m.requests?.length ?? 0)),
  CloneTask: () => 1,
};

export function limitsInterceptor(options: LimitsOptions): Interceptor {
  const now = options.now ?? Date.now;
  const local = new TokenBuckets(options.createRatePerSecond, options.createBurst);
  const tokens: TokenSource = options.createTokens ?? { take: (tenant, cost) => local.take(tenant, cost, now()) };
  const streams = new Counter(options.maxStreamsPerCaller);
  const refuse = (reason: RejectionReason, err: ConnectError): never => {
    options.onRejected?.(reason);
    throw err;
  };

  return (next) => async (req) => {
    const caller = req.contextValues.get(callerKey);
    const cost = req.service.typeName === TaskService.typeName && !req.stream ? CREATE_COST[req.method.name]?.(req.message as never) : undefined;
    // A batch over BATCH_LIMIT is left to request validation (INVALID_ARGUMENT naming the field).
    if (cost && cost <= BATCH_LIMIT && options.createRatePerSecond > 0) {
      if (cost > options.createBurst) {
        refuse(
          "create_burst",
          new ConnectError(`${req.method.name}: ${cost} tasks exceed the per-tenant burst of ${options.createBurst}; send smaller batches`, Code.ResourceExhausted),
        );
      }
      const waitMs = await tokens.take(caller.tenant, cost);
      if (waitMs > 0) refuse("create_rate", rateLimited(options, waitMs));
    }
    const longPoll = LONG_POLLS.has(`${req.service.typeName}/${req.method.name}`);
    if ((req.method.methodKind === "unary" && !longPoll) || PUBLIC_SERVICES.has(req.service.typeName) || options.maxStreamsPerCaller === 0) {
      return next(req);
    }

    const key = `${caller.tenant}\u0000${caller.principal}`;
    if (!streams.acquire(key)) {
      refuse(
        "streams",
        new ConnectError(`too many open streams and long polls (WatchTask, WatchTasks, WaitTask): at most ${options.maxStreamsPerCaller} per caller; close one first`, Code.ResourceExhausted),
      );
    }
    // Released exactly once: when the stream ends, fails, or the call is aborted (client gone,
    // deadline, server shutdown) — connect aborts the call's signal when the call is done.
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        streams.release(key);
      }
    };
    req.signal.addEventListener("abort", release, { once: true });
    try {
      const res = await next(req);
      if (!res.stream) {
        release(); // a long poll is over once it answered
        return res;
      }
      const messages = res.message;
      return {
        ...res,
        message: (async function* () {
          try {
            yield* messages;
          } finally {
            release();
          }
        })(),
      };
    } catch (err) {
      release();
      throw err;
    }
  };
}

function rateLimited(options: LimitsOptions, waitMs: number): ConnectError {
  const seconds = Math.floor(waitMs / 1000);
  const nanos = Math.round((waitMs % 1000) * 1e6);
  return new ConnectError(
    `task creation rate limit of this tenant exceeded (${options.createRatePerSecond}/s, burst ${options.createBurst}); retry in ${Math.ceil(waitMs)} ms`,
    Code.ResourceExhausted,
    { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) },
    [{ desc: RetryInfoSchema, value: { retryDelay: create(DurationSchema, { seconds: BigInt(seconds), nanos }) } }],
  );
}

/**
 * Token buckets by key in this process: `burst` tokens when idle, refilled at `ratePerSecond`.
 * Full buckets are forgotten (they hold no information), so memory follows the number of busy
 * tenants. The default TokenSource — right for one process; the API server uses MySQL's.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes `cost` tokens and answers 0, or takes none and answers the milliseconds until it could. */
  take(key: string, cost: number, nowMs: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.ratePerSecond);
    if (tokens < cost) {
      this.buckets.set(key, { tokens, at: nowMs });
      return Math.ceil(((cost - tokens) / this.ratePerSecond) * 1000);
    }
    this.buckets.set(key, { tokens: tokens - cost, at: nowMs });
    if (this.buckets.size > 10_000) this.forgetFull(nowMs);
    return 0;
  }

  private forgetFull(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/** Counts per key up to a maximum. */
export class Counter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.counts.get(key) ?? 0) - 1;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

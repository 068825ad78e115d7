/**
 * The gauges `serve` reads from MySQL: live tasks by tenant, queue and status, each queue's
 * depth and oldest wait (queues/gauge-repository.ts), and the connection pool's use.
 *
 * Counts are read on a scrape, at most once per `refreshMs` per replica (every replica reads the
 * same numbers: correct whichever replica Prometheus asks, and the cost does not grow with the
 * scrape rate), and cached in between; the oldest wait is computed from the cached enqueue time
 * at each scrape, so it keeps rising while a queue is stuck. While the database is down, or a
 * read fails or takes longer than READ_WAIT_MS, the scrape answers the last values (and
 * taskyard_db_gauges_refresh_timestamp_seconds says how old they are) rather than failing.
 */
import { Gauge, type Registry } from "prom-client";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { LiveTaskCount, QueueDepth } from "../queues/gauge-repository.js";

export interface GaugeSource {
  liveTaskCounts(): Promise<LiveTaskCount[]>;
  queueDepths(): Promise<QueueDepth[]>;
}

export interface DbGaugeOptions {
  registry: Registry;
  source: GaugeSource;
  refreshMs: number;
  /** False while the database is known to be down: no read is tried. */
  available: () => boolean;
  dataSource: DataSource;
  logger: Logger;
}

/** How long a scrape waits for a read under way before answering the cached values. */
const READ_WAIT_MS = 3_000;

export function registerDbGauges({ registry, source, refreshMs, available, dataSource, logger }: DbGaugeOptions): void {
  let counts: LiveTaskCount[] = [];
  let depths: QueueDepth[] = [];
  let readAt = 0;
  let reading: Promise<void> | undefined;
  const refreshed = new Gauge({
    name: "taskyard_db_gauges_refresh_timestamp_seconds",
    help: "When taskyard_tasks_by_status and taskyard_queue_* were last read from the database (Unix time)",
    registers: [registry],
  });

  const refresh = async (): Promise<void> => {
    if (Date.now() - readAt < refreshMs || !available()) return;
    reading ??= (async () => {
      try {
        // One after the other: one pooled connection, not two.
        const live = await source.liveTaskCounts();
        depths = await source.queueDepths();
        counts = live;
        refreshed.set(Date.now() / 1000);
      } catch (err) {
        logger.warn({ err }, "could not read the task and queue gauges; /metrics answers the last values");
      } finally {
        // A failed read waits its turn too: scrapes must not hammer a struggling database.
        readAt = Date.now();
        reading = undefined;
      }
    })();
    await Promise.race([reading, new Promise((resolve) => setTimeout(resolve, READ_WAIT_MS).unref())]);
  };

  new Gauge({
    name: "taskyard_tasks_by_status",
    help: "Live tasks (PENDING, QUEUED, RUNNING, CANCELLING) by tenant, queue and status; QUEUED includes tasks dispatched and waiting for a worker",
    labelNames: ["tenant", "queue", "status"] as const,
    registers: [registry],
    async collect() {
      await refresh();
      this.reset();
      for (const c of counts) this.set({ tenant: c.tenant, queue: c.queue, status: c.status }, c.count);
    },
  });
  new Gauge({
    name: "taskyard_queue_depth",
    help: "Entries waiting in the queue for dispatch, by tenant and queue",
    labelNames: ["tenant", "queue"] as const,
    registers: [registry],
    async collect() {
      await refresh();
      this.reset();
      for (const d of depths) this.set({ tenant: d.tenant, queue: d.queue }, d.depth);
    },
  });
  new Gauge({
    name: "taskyard_queue_oldest_wait_seconds",
    help: "How long the entry waiting longest in the queue has waited (0 when empty), by tenant and queue",
    labelNames: ["tenant", "queue"] as const,
    registers: [registry],
    async collect() {
      await refresh();
      this.reset();
      const now = Date.now();
      for (const d of depths) this.set({ tenant: d.tenant, queue: d.queue }, d.oldestEnqueueTime ? Math.max(0, (now - d.oldestEnqueueTime.getTime()) / 1000) : 0);
    },
  });
  registerPoolGauges(registry, dataSource);
}

/** The mysql2 pool behind TypeORM's driver (`driver.pool`); its counts are internal fields. */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

function registerPoolGauges(registry: Registry, dataSource: DataSource): void {
  const pool = () => (dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
  const gauge = (name: string, help: string, read: (p: Mysql2Pool) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        const value = p ? read(p) : undefined;
        if (value !== undefined) this.set(value);
      },
    });
  gauge("taskyard_db_pool_connections_in_use", "Pooled MySQL connections lent out now", (p) =>
    p._allConnections && p._freeConnections ? p._allConnections.length - p._freeConnections.length : undefined,
  );
  gauge("taskyard_db_pool_connections_max", "Size of the MySQL connection pool (DATABASE_POOL_SIZE)", (p) => p.config?.connectionLimit);
  gauge("taskyard_db_pool_waiting_requests", "Requests waiting for a pooled MySQL connection", (p) => p._connectionQueue?.length);
}

/**
 * The handlers this codebase ships, by type. One codebase serves every role, so the API server
 * validates `type` against the same registry the workers run.
 */
import { DEMO_HANDLERS } from "./demo.js";
import type { TaskHandler } from "./types.js";
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUTS, type TaskDefaults } from "../../tasks/types.js";

export class HandlerRegistry {
  private readonly byType = new Map<string, TaskHandler>();

  constructor(handlers: readonly TaskHandler[]) {
    for (const h of handlers) {
      if (this.byType.has(h.type)) throw new Error(`two handlers registered for type ${h.type}`);
      this.byType.set(h.type, h);
    }
  }

  get(type: string): TaskHandler | undefined {
    return this.byType.get(type);
  }

  /** Retry policy and timeouts a task of `type` gets when its request sets none. */
  defaultsFor(type: string): TaskDefaults {
    const own = this.byType.get(type)?.defaults;
    return {
      retryPolicy: { ...DEFAULT_RETRY_POLICY, ...own?.retryPolicy },
      timeouts: { ...DEFAULT_TIMEOUTS, ...own?.timeouts },
    };
  }

  types(): ReadonlySet<string> {
    return new Set(this.byType.keys());
  }

  all(): TaskHandler[] {
    return [...this.byType.values()];
  }
}

/** Every handler of this build. Add yours here. */
export function createDefaultRegistry(): HandlerRegistry {
  return new HandlerRegistry([...DEMO_HANDLERS]);
}

/** Every migration, in order. Never `synchronize`: the schema only changes through these. */
import { CreateTasks1795420800000 } from "./1795420800000-create-tasks.js";
import { CreateTaskEvents1795420800001 } from "./1795420800001-create-task-events.js";
import { CreateQueues1795420800002 } from "./1795420800002-create-queues.js";

export const MIGRATIONS = [CreateTasks1795420800000, CreateTaskEvents1795420800001, CreateQueues1795420800002];

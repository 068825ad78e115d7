/** Every migration, in order. Never `synchronize`: the schema only changes through these. */
import { CreateTasks1795420800000 } from "./1795420800000-create-tasks.js";
import { CreateTaskEvents1795420800001 } from "./1795420800001-create-task-events.js";
import { CreateQueues1795420800002 } from "./1795420800002-create-queues.js";
import { CreateApiKeys1795462000000 } from "./1795462000000-create-api-keys.js";
import { QueueDispatchControls1795466000000 } from "./1795466000000-queue-dispatch-controls.js";
import { QueueEntryFairness1795466000001 } from "./1795466000001-queue-entry-fairness.js";
import { TasksQueueStartIndex1795466000002 } from "./1795466000002-tasks-queue-start-index.js";
import { TasksListCoveringIndexes1795480000000 } from "./1795480000000-tasks-list-covering-indexes.js";
import { CreateTaskLabels1795480000001 } from "./1795480000001-create-task-labels.js";
import { TasksSearchFulltext1795480000002 } from "./1795480000002-tasks-search-fulltext.js";
import { TasksExactKeysAndParentIndex1795490000000 } from "./1795490000000-tasks-exact-keys-and-parent-index.js";
import { TasksExecutionAttempt1795490000001 } from "./1795490000001-tasks-execution-attempt.js";
import { TasksVisibility1795500000000 } from "./1795500000000-tasks-visibility.js";
import { CreateRateBuckets1795500000001 } from "./1795500000001-create-rate-buckets.js";
import { CreateTaskTypes1795510000000 } from "./1795510000000-create-task-types.js";
import { TasksQueueStatusReasonIndex1795510000001 } from "./1795510000001-tasks-queue-status-reason-index.js";
import { TaskTypesRetryItemsParam1795520000000 } from "./1795520000000-task-types-retry-items-param.js";
import { TasksQueueEndIndex1795521000000 } from "./1795521000000-tasks-queue-end-index.js";
import { CreateSavedViews1795525000000 } from "./1795525000000-create-saved-views.js";
import { TasksTraceParent1795531000000 } from "./1795531000000-tasks-trace-parent.js";

export const MIGRATIONS = [
  CreateTasks1795420800000,
  CreateTaskEvents1795420800001,
  CreateQueues1795420800002,
  CreateApiKeys1795462000000,
  QueueDispatchControls1795466000000,
  QueueEntryFairness1795466000001,
  TasksQueueStartIndex1795466000002,
  TasksListCoveringIndexes1795480000000,
  CreateTaskLabels1795480000001,
  TasksSearchFulltext1795480000002,
  TasksExactKeysAndParentIndex1795490000000,
  TasksExecutionAttempt1795490000001,
  TasksVisibility1795500000000,
  CreateRateBuckets1795500000001,
  CreateTaskTypes1795510000000,
  TasksQueueStatusReasonIndex1795510000001,
  TaskTypesRetryItemsParam1795520000000,
  TasksQueueEndIndex1795521000000,
  CreateSavedViews1795525000000,
  TasksTraceParent1795531000000,
];

// The API's messages, enums and schemas (generated from proto/taskyard/v1), for callers of the
// client: `TaskStatus`, `Position`, `create(TaskSchema, …)`, `toJson(TaskSchema, task)`.
export * from "../gen/taskyard/v1/task_pb.js";
export * from "../gen/taskyard/v1/task_service_pb.js";
export * from "../gen/taskyard/v1/queue_service_pb.js";
export * from "../gen/taskyard/v1/saved_view_service_pb.js";
export * from "../gen/taskyard/v1/api_key_service_pb.js";
export { type TaskType, TaskTypeSchema } from "../gen/taskyard/v1/worker_service_pb.js";

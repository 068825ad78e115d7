/** BatchResult (domain) → BatchTaskResult (proto): the error as a code name and its message. */
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { BatchTaskResultSchema, type BatchTaskResult } from "../gen/taskyard/v1/task_service_pb.js";
import type { BatchResult } from "../tasks/inputs.js";
import { domainCode, errorCodeName } from "./errors.js";

export function batchResultsToPb(results: readonly BatchResult[]): BatchTaskResult[] {
  return results.map((r) =>
    create(BatchTaskResultSchema, {
      id: r.id,
      ok: r.ok,
      errorCode: r.error ? errorCodeName(domainCode(r.error) ?? Code.Internal) : "",
      errorMessage: r.error?.message ?? "",
      newTaskId: r.newTaskId ?? "",
    }),
  );
}

/**
 * SavedViewService requests → domain inputs. A view's query is checked by the very function
 * ListTasks uses (validateListTasks), so a saved query is always one ListTasks accepts; its
 * errors are re-rooted under the request field that carried it (`view.query.filter: …`).
 */
import { clone, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { InvalidArgumentError } from "../domain/errors.js";
import type { CreateSavedViewRequest, UpdateSavedViewRequest } from "../gen/taskyard/v1/saved_view_service_pb.js";
import { ListTasksRequestSchema, type ListTasksRequest } from "../gen/taskyard/v1/task_service_pb.js";
import type { NewSavedView, SavedViewChanges } from "../views/types.js";
import { bad, validateListTasks } from "./validate.js";

const VIEW_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UPDATE_PATHS = ["name", "query", "shared"] as const;

export function validateViewId(field: string, id: string): string {
  if (!id) bad(field, "is required");
  if (!VIEW_ID_RE.test(id)) bad(field, `must be a saved view id (a UUID), got "${id.slice(0, 64)}"`);
  return id;
}

export function validateCreateView(req: CreateSavedViewRequest): NewSavedView {
  const v = req.view ?? bad("view", "is required");
  return { name: v.name, shared: v.shared, query: validateViewQuery(v.query) };
}

export function validateUpdateView(req: UpdateSavedViewRequest): { id: string; changes: SavedViewChanges } {
  const v = req.view ?? bad("view", "is required");
  const id = validateViewId("view.id", v.id);
  const paths = req.updateMask?.paths ?? [];
  if (paths.length === 0) bad("update_mask", `name at least one field; allowed: ${UPDATE_PATHS.join(", ")}`);
  const changes: SavedViewChanges = {};
  for (const path of paths) {
    switch (path) {
      case "name":
        changes.name = v.name;
        break;
      case "query":
        changes.query = validateViewQuery(v.query);
        break;
      case "shared":
        changes.shared = v.shared;
        break;
      default:
        bad("update_mask", `cannot update "${path.slice(0, 64)}"; allowed: ${UPDATE_PATHS.join(", ")}`);
    }
  }
  return { id, changes };
}

/** The query as stored: protobuf JSON without the paging fields a view does not keep. */
function validateViewQuery(query: ListTasksRequest | undefined): JsonObject {
  if (!query) bad("view.query", "is required");
  const kept = clone(ListTasksRequestSchema, query);
  kept.page = 0;
  kept.pageToken = "";
  kept.skip = 0;
  try {
    validateListTasks(kept);
  } catch (err) {
    if (err instanceof InvalidArgumentError && err.field) throw new InvalidArgumentError(`view.query.${err.message}`, `view.query.${err.field}`);
    throw err;
  }
  return toJson(ListTasksRequestSchema, kept) as JsonObject;
}

/** A stored query back as a message; fields a later schema dropped are ignored, not fatal. */
export function viewQueryToPb(query: JsonObject): ListTasksRequest {
  return fromJson(ListTasksRequestSchema, query, { ignoreUnknownFields: true });
}

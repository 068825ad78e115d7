/**
 * SavedViewService RPC handlers: every call acts for the caller (tenant, principal, roles) on
 * its tenant's views; src/views/service.ts holds the owner-or-admin rule.
 */
import { create } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { ListSavedViewsResponseSchema, SavedViewSchema, type SavedView as PbSavedView, type SavedViewService as SavedViewServiceDesc } from "../gen/taskyard/v1/saved_view_service_pb.js";
import type { SavedViewService } from "../views/service.js";
import type { VisibleView } from "../views/types.js";
import { callerOf } from "./caller.js";
import { validateCreateView, validateUpdateView, validateViewId, viewQueryToPb } from "./saved-view-validate.js";
import { validatePageSize } from "./validate.js";

export interface SavedViewHandlerDeps {
  savedViews: SavedViewService;
}

export function createSavedViewHandlers({ savedViews }: SavedViewHandlerDeps): ServiceImpl<typeof SavedViewServiceDesc> {
  return {
    async createSavedView(req, ctx) {
      return viewToPb(await savedViews.create(callerOf(ctx), validateCreateView(req)));
    },

    async getSavedView(req, ctx) {
      return viewToPb(await savedViews.get(callerOf(ctx), validateViewId("id", req.id)));
    },

    async listSavedViews(req, ctx) {
      const page = await savedViews.list(callerOf(ctx), validatePageSize("page_size", req.pageSize, 100), req.pageToken);
      return create(ListSavedViewsResponseSchema, { views: page.views.map(viewToPb), nextPageToken: page.nextPageToken });
    },

    async updateSavedView(req, ctx) {
      const { id, changes } = validateUpdateView(req);
      return viewToPb(await savedViews.update(callerOf(ctx), id, changes));
    },

    async deleteSavedView(req, ctx) {
      await savedViews.delete(callerOf(ctx), validateViewId("id", req.id));
      return create(EmptySchema);
    },
  };
}

function viewToPb(v: VisibleView): PbSavedView {
  return create(SavedViewSchema, {
    id: v.id,
    name: v.name,
    query: viewQueryToPb(v.query),
    shared: v.shared,
    owner: v.owner,
    editable: v.editable,
    createTime: timestampFromDate(v.createTime),
    updateTime: timestampFromDate(v.updateTime),
  });
}

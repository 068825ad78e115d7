/** Domain types of saved task views (docs/saved-views.md). */
import type { JsonObject } from "../tasks/types.js";

/** Characters (code points, as varchar counts them) of a view's name, after trimming. */
export const VIEW_NAME_MAX = 100;
/** UTF-8 bytes of a stored query: well inside the `text` column (64 KiB). */
export const VIEW_QUERY_MAX_BYTES = 32 * 1024;

export interface SavedView {
  id: string;
  tenant: string;
  /** The principal that saved it; never changes. */
  owner: string;
  name: string;
  /** Readable by everyone of the tenant (true) or by its owner only (false). */
  shared: boolean;
  /**
   * The ListTasksRequest as protobuf JSON without `page`, `page_token` and `skip`. Opaque here:
   * rpc/ validated it as ListTasks would before it got this far.
   */
  query: JsonObject;
  createTime: Date;
  updateTime: Date;
}

export interface NewSavedView {
  name: string;
  shared: boolean;
  query: JsonObject;
}

/** The fields an update changes; absent ones keep their value. */
export interface SavedViewChanges {
  name?: string;
  shared?: boolean;
  query?: JsonObject;
}

/** A view as one caller sees it. */
export interface VisibleView extends SavedView {
  /** The caller may change and delete it: its owner, or an admin of the tenant. */
  editable: boolean;
}

export interface SavedViewPage {
  views: VisibleView[];
  nextPageToken: string;
}

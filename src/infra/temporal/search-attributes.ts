/**
 * The custom search attributes Taskyard sets on every workflow (so the Temporal UI can filter by
 * task type and project). They must be registered in the namespace: we try at start-up, and
 * only set them on workflows when the namespace has them (else starting would fail).
 */
import type { Client } from "@temporalio/client";
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";
import type { Logger } from "pino";
import { SEARCH_ATTRIBUTE_PROJECT, SEARCH_ATTRIBUTE_TYPE } from "../../../workflows/definitions.js";

export const TYPE_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTE_TYPE, SearchAttributeType.KEYWORD);
export const PROJECT_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTE_PROJECT, SearchAttributeType.KEYWORD);
const NAMES = [SEARCH_ATTRIBUTE_TYPE, SEARCH_ATTRIBUTE_PROJECT];

/** Registers the attributes if missing; resolves to whether all are available. */
export async function ensureSearchAttributes(client: Client, logger: Logger): Promise<boolean> {
  const { namespace } = client.options;
  const operator = client.connection.operatorService;
  try {
    const { customAttributes } = await operator.listSearchAttributes({ namespace });
    const missing = NAMES.filter((n) => !(customAttributes && n in customAttributes));
    if (missing.length === 0) return true;
    await operator.addSearchAttributes({
      namespace,
      // 2 = INDEXED_VALUE_TYPE_KEYWORD
      searchAttributes: Object.fromEntries(missing.map((n) => [n, 2])),
    });
    logger.info({ namespace, added: missing }, "registered Temporal search attributes");
    return true;
  } catch (err) {
    logger.warn(
      { err: (err as Error).message, namespace },
      `could not register Temporal search attributes ${NAMES.join(", ")} (Keyword); workflows start without them — register them with \`temporal operator search-attribute create\``,
    );
    return false;
  }
}

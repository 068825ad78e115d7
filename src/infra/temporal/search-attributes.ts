/**
 * The custom search attributes Taskyard sets on every workflow (so the Temporal UI can filter by
 * task type, project and task id). They must be registered in the namespace: we try at start-up,
 * and set on workflows only those the namespace has (starting with an unknown one would fail).
 */
import type { Client } from "@temporalio/client";
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";
import type { Logger } from "pino";
import { SEARCH_ATTRIBUTE_PROJECT, SEARCH_ATTRIBUTE_TASK_ID, SEARCH_ATTRIBUTE_TYPE } from "../../../workflows/definitions.js";

export const TYPE_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTE_TYPE, SearchAttributeType.KEYWORD);
export const PROJECT_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTE_PROJECT, SearchAttributeType.KEYWORD);
export const TASK_ID_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTE_TASK_ID, SearchAttributeType.KEYWORD);
/** Every attribute Taskyard sets, all of type Keyword. */
export const SEARCH_ATTRIBUTE_NAMES: readonly string[] = [SEARCH_ATTRIBUTE_TYPE, SEARCH_ATTRIBUTE_PROJECT, SEARCH_ATTRIBUTE_TASK_ID];

/**
 * Registers the attributes the namespace lacks; resolves to the names it has afterwards. A
 * namespace that had the older ones but refuses to add a new one (no operator permission, as on
 * Temporal Cloud) keeps getting the older ones set.
 */
export async function ensureSearchAttributes(client: Client, logger: Logger): Promise<ReadonlySet<string>> {
  const { namespace } = client.options;
  const operator = client.connection.operatorService;
  const present = new Set<string>();
  try {
    const { customAttributes } = await operator.listSearchAttributes({ namespace });
    for (const n of SEARCH_ATTRIBUTE_NAMES) if (customAttributes && n in customAttributes) present.add(n);
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !present.has(n));
    if (missing.length === 0) return present;
    await operator.addSearchAttributes({
      namespace,
      // 2 = INDEXED_VALUE_TYPE_KEYWORD
      searchAttributes: Object.fromEntries(missing.map((n) => [n, 2])),
    });
    logger.info({ namespace, added: missing }, "registered Temporal search attributes");
    return new Set(SEARCH_ATTRIBUTE_NAMES);
  } catch (err) {
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !present.has(n));
    logger.warn(
      { err: (err as Error).message, namespace, missing },
      `could not register Temporal search attributes ${missing.join(", ")} (Keyword); workflows start without them — register them with \`temporal operator search-attribute create\``,
    );
    return present;
  }
}

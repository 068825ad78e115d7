/** Editing a task's params: when a schema can drive a form, and JSON text ⇄ params. */
import type { JsonObject } from "@bufbuild/protobuf";

/** Keys that say nothing about the fields (a schema of only these renders an empty form). */
const NO_FIELDS = new Set(["$schema", "$id", "title", "description", "type", "additionalProperties", "examples", "default"]);

/** Whether `schema` describes fields a generated form can show (else: edit as JSON). */
export function schemaDrivesForm(schema: JsonObject | undefined): schema is JsonObject {
  if (!schema) return false;
  if (schema.type !== undefined && schema.type !== "object") return false;
  return Object.keys(schema).some((k) => !NO_FIELDS.has(k) && !(k === "properties" && isEmptyObject(schema.properties)));
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * The schema as the form's validator takes it: without `$schema` (Ajv's default draft-07 refuses
 * a 2020-12 meta-schema reference; the server validates against the real schema on clone anyway).
 */
export function formSchema(schema: JsonObject): JsonObject {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

export type ParsedParams = { params: JsonObject; error?: undefined } | { params?: undefined; error: string };

/** JSON text as params: an object, or the reason it is not one. Empty text is `{}`. */
export function parseParams(text: string): ParsedParams {
  if (text.trim() === "") return { params: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "params must be a JSON object ({ … })" };
  return { params: value as JsonObject };
}

export function paramsText(params: JsonObject | undefined): string {
  return JSON.stringify(params ?? {}, null, 2);
}

/**
 * JSON Schema checks of task params (Ajv): draft 2020-12 (what pydantic emits) unless `$schema`
 * names draft-07 or older. A registered schema is compiled
 * once per distinct schema text; a schema that does not compile is refused at registration with
 * the field that carries it.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { InvalidArgumentError } from "../domain/errors.js";
import type { JsonObject } from "../tasks/types.js";

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const options = { allErrors: false, strict: false, validateFormats: true } as const;
const draft7 = addFormats(new Ajv(options));
const draft2020 = addFormats(new Ajv2020(options) as unknown as Ajv);
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1000;

function compile(schema: JsonObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    const older = typeof schema.$schema === "string" && /draft-0[4-7]/.test(schema.$schema);
    fn = (older ? draft7 : draft2020).compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

/** Throws InvalidArgumentError on `field` when `schema` is not a usable JSON Schema. */
export function checkSchema(field: string, schema: JsonObject): void {
  try {
    compile(schema);
  } catch (err) {
    throw new InvalidArgumentError(`${field}: not a valid JSON Schema: ${(err as Error).message}`, field);
  }
}

/**
 * Throws InvalidArgumentError naming the first offending path under `field`, e.g.
 * `task.params.steps: must be integer`.
 */
export function checkParams(field: string, schema: JsonObject, params: JsonObject): void {
  const validate = compile(schema);
  if (validate(params)) return;
  const e = validate.errors?.[0];
  const path = e ? pathOf(field, e) : field;
  throw new InvalidArgumentError(`${path}: ${e?.message ?? "does not match the type's params schema"}`, path);
}

function pathOf(field: string, e: ErrorObject): string {
  const parts = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (e.keyword === "required") parts.push(String((e.params as { missingProperty: string }).missingProperty));
  if (e.keyword === "additionalProperties") parts.push(String((e.params as { additionalProperty: string }).additionalProperty));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : `${acc}.${p}`), field);
}

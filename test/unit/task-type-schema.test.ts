import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/domain/errors.js";
import { checkParams, checkSchema } from "../../src/task-types/schema.js";
import { handlerTaskQueue } from "../../src/task-types/types.js";

const schema = {
  type: "object",
  properties: { steps: { type: "integer", minimum: 1 }, frames: { type: "array", items: { type: "object", properties: { at: { type: "number" } } } } },
  required: ["steps"],
  additionalProperties: false,
};

function refusal(params: object): InvalidArgumentError {
  try {
    checkParams("task.params", schema, params as never);
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err;
    throw err;
  }
  throw new Error("params were accepted");
}

describe("params against a type's JSON Schema", () => {
  it("names the offending path under the request field", () => {
    expect(refusal({ steps: "10" })).toMatchObject({ message: "task.params.steps: must be integer", field: "task.params.steps" });
    expect(refusal({ steps: 0 }).message).toBe("task.params.steps: must be >= 1");
    expect(refusal({ steps: 1, frames: [{ at: 1 }, { at: "x" }] }).field).toBe("task.params.frames[1].at");
  });

  it("names a missing required property and an unknown one", () => {
    expect(refusal({}).field).toBe("task.params.steps");
    expect(refusal({ steps: 1, speed: 2 }).field).toBe("task.params.speed");
  });

  it("accepts params that match, and reads draft 2020-12 (pydantic's $defs) by default", () => {
    expect(() => checkParams("task.params", schema, { steps: 3, frames: [{ at: 0.5 }] })).not.toThrow();
    const pydantic = { $defs: { Frame: { type: "object", properties: { at: { type: "number" } } } }, type: "object", properties: { f: { $ref: "#/$defs/Frame" } } };
    expect(() => checkParams("p", pydantic, { f: { at: "late" } })).toThrow(/^p\.f\.at: must be number$/);
  });

  it("refuses a schema that does not compile, naming where it was given", () => {
    expect(() => checkSchema("task_types[2].params_schema", { type: "integer-ish" })).toThrow(/^task_types\[2\]\.params_schema: not a valid JSON Schema: /);
  });
});

describe("handler task queues", () => {
  it("are one per queue, tenant and type", () => {
    expect(handlerTaskQueue("taskyard.default", "acme", "video.analyze")).toBe("taskyard.default/acme/video.analyze");
    expect(handlerTaskQueue("taskyard.default", "other", "video.analyze")).not.toBe(handlerTaskQueue("taskyard.default", "acme", "video.analyze"));
  });
});

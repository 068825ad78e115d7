/**
 * Params as a form generated from the task type's JSON Schema (@rjsf/mui), validated as the user
 * types (Ajv); the errors go to `onChange` so the dialog can hold back its submit.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import Form from "@rjsf/mui";
import validator from "@rjsf/validator-ajv8";
import { useMemo, useState } from "react";
import { formSchema, type ParsedParams } from "../../lib/task-params";

const UI_SCHEMA = { "ui:submitButtonOptions": { norender: true } };

export function SchemaParamsForm(props: { schema: JsonObject; initial: JsonObject | undefined; onChange: (parsed: ParsedParams) => void; onSubmit: () => void }) {
  const { initial, onChange, onSubmit } = props;
  const schema = useMemo(() => formSchema(props.schema), [props.schema]);
  const [data, setData] = useState<JsonObject>(() => initial ?? {});
  return (
    <Form
      schema={schema}
      uiSchema={UI_SCHEMA}
      validator={validator}
      formData={data}
      idPrefix="clone-params"
      liveValidate="onChange"
      showErrorList={false}
      noHtml5Validate
      onChange={(e) => {
        const next = (e.formData ?? {}) as JsonObject;
        setData(next);
        onChange(e.errors.length > 0 ? { error: e.errors.map((x) => x.stack).join("; ") } : { params: next });
      }}
      onSubmit={() => onSubmit()}
    />
  );
}

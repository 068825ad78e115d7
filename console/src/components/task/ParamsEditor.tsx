/**
 * Edits a clone's params: a form generated from the type's params schema when it describes
 * fields (with a switch to plain JSON for anything the form cannot say), else a JSON textarea.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { FormControlLabel, Stack, Switch } from "@mui/material";
import { useState } from "react";
import { schemaDrivesForm, type ParsedParams } from "../../lib/task-params";
import { JsonParamsField } from "./JsonParamsField";
import { SchemaParamsForm } from "./SchemaParamsForm";

export function ParamsEditor(props: { schema: JsonObject | undefined; initial: JsonObject | undefined; onChange: (parsed: ParsedParams) => void; onSubmit: () => void }) {
  const { schema, initial, onChange, onSubmit } = props;
  const [asJson, setAsJson] = useState(false);
  // Switching keeps what was edited: each editor starts from the params last reported valid.
  const [current, setCurrent] = useState(initial);
  const report = (parsed: ParsedParams) => {
    if (parsed.params) setCurrent(parsed.params);
    onChange(parsed);
  };
  if (!schemaDrivesForm(schema)) return <JsonParamsField initial={initial} onChange={onChange} />;
  return (
    <Stack spacing={1}>
      <FormControlLabel control={<Switch checked={asJson} onChange={(e) => setAsJson(e.target.checked)} />} label="Edit as JSON" />
      {asJson ? <JsonParamsField initial={current} onChange={report} /> : <SchemaParamsForm schema={schema} initial={current} onChange={report} onSubmit={onSubmit} />}
    </Stack>
  );
}

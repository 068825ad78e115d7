/** Params as JSON text: a labelled textarea that says why text does not parse. */
import type { JsonObject } from "@bufbuild/protobuf";
import { TextField } from "@mui/material";
import { useState } from "react";
import { paramsText, parseParams, type ParsedParams } from "../../lib/task-params";

export function JsonParamsField({ initial, onChange }: { initial: JsonObject | undefined; onChange: (parsed: ParsedParams) => void }) {
  const [text, setText] = useState(() => paramsText(initial));
  const [error, setError] = useState<string | undefined>();
  return (
    <TextField
      label="Parameters (JSON)"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parseParams(e.target.value);
        setError(parsed.error);
        onChange(parsed);
      }}
      error={error !== undefined}
      helperText={error ?? "A JSON object; it replaces the source task's params."}
      multiline
      minRows={6}
      fullWidth
      slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: "monospace" } } }}
    />
  );
}

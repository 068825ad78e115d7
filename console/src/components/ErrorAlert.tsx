import { Alert, AlertTitle } from "@mui/material";
import { describeError } from "../api/errors";

/** An API error in words: code, message and the field it names; never raw JSON. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { code, message, field } = describeError(error);
  return (
    <Alert severity="error" role="alert" sx={{ my: 1 }}>
      <AlertTitle>{title ?? "The request failed"}</AlertTitle>
      <strong>{code}</strong>: {message}
      {field ? (
        <>
          {" "}
          (field <code>{field}</code>)
        </>
      ) : null}
    </Alert>
  );
}

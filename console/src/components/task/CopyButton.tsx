/** Copies `text` to the clipboard and says so in a live region. */
import ContentCopyIcon from "@mui/icons-material/ContentCopy";
import { Button } from "@mui/material";
import { useState } from "react";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid("Copied");
    } catch {
      setSaid("Could not copy: select the text and copy it");
    }
  };
  return (
    <>
      <Button size="small" variant="outlined" startIcon={<ContentCopyIcon />} aria-label={label} onClick={() => void copy()}>
        Copy
      </Button>
      <span role="status" style={{ marginLeft: 8 }}>
        {said}
      </span>
    </>
  );
}

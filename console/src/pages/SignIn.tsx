import { useState } from "react";
import { Box, Button, Paper, TextField, Typography } from "@mui/material";
import { createClient } from "@connectrpc/connect";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { useQueryClient } from "@tanstack/react-query";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { getToken, setToken } from "../api/credentials";
import { transport } from "../api/transport";
import { ErrorAlert } from "../components/ErrorAlert";

/** Sign-in with a Taskyard API key (`tyk_…`) or a JWT; checked with one cheap call before it is kept. */
export function SignInPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { redirect } = useSearch({ from: "/signin" });
  const [token, setValue] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const previous = getToken();
    setToken(token);
    try {
      await createClient(QueueService, transport).listQueues({ pageSize: 1 });
      queryClient.clear();
      await navigate({ to: redirect && redirect.startsWith("/") ? redirect : "/tasks" });
    } catch (err) {
      setToken(previous);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper component="section" aria-labelledby="signin-title" sx={{ maxWidth: 520, mx: "auto", mt: 6, p: 3 }}>
      <Typography id="signin-title" variant="h5" component="h1" gutterBottom>
        Sign in to Taskyard
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        Paste a Taskyard API key (<code>tyk_…</code>, from <code>taskyard apikey create</code>) or a JWT from your identity
        provider. It is kept in this browser only and sent as <code>Authorization: Bearer</code>.
      </Typography>
      <Box component="form" onSubmit={submit}>
        <TextField
          label="API key or token"
          type="password"
          autoComplete="off"
          fullWidth
          required
          value={token}
          onChange={(e) => setValue(e.target.value)}
        />
        <ErrorAlert error={error} title="Sign-in failed" />
        <Button type="submit" variant="contained" sx={{ mt: 2 }} disabled={busy || token.trim() === ""}>
          Sign in
        </Button>
      </Box>
    </Paper>
  );
}

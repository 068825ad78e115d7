import { AppBar, Box, Button, Chip, Container, Link as MuiLink, Toolbar, Typography } from "@mui/material";
import { useQuery } from "@connectrpc/connect-query";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { QueueService } from "@gen/taskyard/v1/queue_service_pb.js";
import { getToken, setToken } from "../api/credentials";

/** Header with navigation, a skip link, and the page in a <main> landmark. */
export function Layout() {
  const navigate = useNavigate();
  const signedIn = getToken() !== null;
  // A call that works without a credential means the server runs with authentication off.
  const probe = useQuery(QueueService.method.listQueues, { pageSize: 1 }, { enabled: !signedIn, retry: false });
  const authOff = !signedIn && probe.isSuccess;
  return (
    <>
      <MuiLink href="#main" sx={{ position: "absolute", left: -9999, "&:focus": { left: 8, top: 8, zIndex: 2000, bgcolor: "background.paper", p: 1 } }}>
        Skip to content
      </MuiLink>
      <AppBar position="static" component="header">
        <Toolbar component="nav" aria-label="Main">
          <Typography variant="h6" component="span" sx={{ mr: 3 }}>
            Taskyard
          </Typography>
          <Button color="inherit" component={Link} to="/tasks" activeProps={{ "aria-current": "page" }}>
            Tasks
          </Button>
          <Button color="inherit" component={Link} to="/queues" activeProps={{ "aria-current": "page" }}>
            Queues
          </Button>
          <Box sx={{ flexGrow: 1 }} />
          {signedIn ? (
            <Button
              color="inherit"
              onClick={() => {
                setToken(null);
                void navigate({ to: "/signin" });
              }}
            >
              Sign out
            </Button>
          ) : authOff ? (
            <Chip label="Authentication off" size="small" sx={{ bgcolor: "#fff", color: "#7a3e00", fontWeight: 600 }} />
          ) : (
            <Button color="inherit" component={Link} to="/signin">
              Sign in
            </Button>
          )}
        </Toolbar>
      </AppBar>
      <Container component="main" id="main" maxWidth={false} sx={{ py: 2 }} tabIndex={-1}>
        <Outlet />
      </Container>
    </>
  );
}

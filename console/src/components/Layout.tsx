import { AppBar, Box, Button, Container, Link as MuiLink, Toolbar, Typography } from "@mui/material";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { getToken, setToken } from "../api/credentials";

/** Header with navigation, a skip link, and the page in a <main> landmark. */
export function Layout() {
  const navigate = useNavigate();
  const signedIn = getToken() !== null;
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

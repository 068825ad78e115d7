import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { TransportProvider } from "@connectrpc/connect-query";
import { CssBaseline, ThemeProvider, createTheme } from "@mui/material";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { isUnauthenticated } from "./api/errors";
import { transport } from "./api/transport";
import { router } from "./router";

/** Any call answered UNAUTHENTICATED leads to the sign-in page, and back here after it. */
function toSignIn(err: unknown) {
  if (!isUnauthenticated(err) || router.state.location.pathname === "/signin") return;
  void router.navigate({ to: "/signin", search: { redirect: router.state.location.href.replace(/^\/console/, "") } });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: toSignIn }),
  mutationCache: new MutationCache({ onError: toSignIn }),
  defaultOptions: { queries: { retry: (n, err) => !isUnauthenticated(err) && n < 2, refetchOnWindowFocus: false } },
});

const theme = createTheme({ palette: { primary: { main: "#1f4e8c" } } });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <TransportProvider transport={transport}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </TransportProvider>
    </ThemeProvider>
  </StrictMode>,
);

/** Renders `ui` inside a memory router (links need one) and, when given, a fake API transport. */
import type { Transport } from "@connectrpc/connect";
import { TransportProvider } from "@connectrpc/connect-query";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRoute, createRouter, RouterProvider } from "@tanstack/react-router";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";

export function renderInRouter(ui: ReactNode, transport?: Transport) {
  const rootRoute = createRootRoute({ component: () => ui });
  const taskRoute = createRoute({ getParentRoute: () => rootRoute, path: "/tasks/$taskId", component: () => null });
  const queueRoute = createRoute({ getParentRoute: () => rootRoute, path: "/queues/$name", component: () => null });
  const router = createRouter({ routeTree: rootRoute.addChildren([taskRoute, queueRoute]), history: createMemoryHistory({ initialEntries: ["/"] }) });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const tree = (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router as never} />
    </QueryClientProvider>
  );
  return render(transport ? <TransportProvider transport={transport}>{tree}</TransportProvider> : tree);
}

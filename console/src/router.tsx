/**
 * The console's routes under /console. Every view's state lives in the URL (search params
 * validated per route), so a link or a reload shows the same view.
 */
import { createRootRoute, createRoute, createRouter, redirect } from "@tanstack/react-router";
import { Layout } from "./components/Layout";
import { parseTaskSearch } from "./lib/task-search";
import { QueueDetailPage } from "./pages/QueueDetail";
import { QueuesPage } from "./pages/Queues";
import { SignInPage } from "./pages/SignIn";
import { TaskDetailPage } from "./pages/TaskDetail";
import { TasksPage } from "./pages/Tasks";

const rootRoute = createRootRoute({ component: Layout });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/tasks" });
  },
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/signin",
  validateSearch: (s: Record<string, unknown>): { redirect?: string } => (typeof s.redirect === "string" ? { redirect: s.redirect } : {}),
  component: SignInPage,
});

const tasksRoute = createRoute({ getParentRoute: () => rootRoute, path: "/tasks", validateSearch: parseTaskSearch, component: TasksPage });

const taskRoute = createRoute({ getParentRoute: () => rootRoute, path: "/tasks/$taskId", component: TaskDetailPage });

const queuesRoute = createRoute({ getParentRoute: () => rootRoute, path: "/queues", component: QueuesPage });

const queueRoute = createRoute({ getParentRoute: () => rootRoute, path: "/queues/$name", component: QueueDetailPage });

const routeTree = rootRoute.addChildren([indexRoute, signInRoute, tasksRoute, taskRoute, queuesRoute, queueRoute]);

export const router = createRouter({ routeTree, basepath: "/console", defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}

/**
 * Connect (JSON) to the Taskyard API: the same origin as the console unless VITE_TASKYARD_URL
 * points elsewhere; under `npm run dev:console` (Vite on :5173) it defaults to `npm run dev`'s
 * :8080, which accepts loopback origins.
 */
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { getToken } from "./credentials";

const withCredential: Interceptor = (next) => (req) => {
  const token = getToken();
  if (token) req.header.set("Authorization", `Bearer ${token}`);
  return next(req);
};

export const apiBaseUrl: string =
  import.meta.env.VITE_TASKYARD_URL ?? (import.meta.env.DEV ? "http://localhost:8080" : window.location.origin);

export const transport = createConnectTransport({ baseUrl: apiBaseUrl, interceptors: [withCredential] });

/**
 * Connect (JSON) to the Taskyard API: the same origin as the console unless VITE_TASKYARD_URL
 * points elsewhere (e.g. `vite` on :5173 against `npm run dev` on :8080).
 */
import type { Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { getToken } from "./credentials";

const withCredential: Interceptor = (next) => (req) => {
  const token = getToken();
  if (token) req.header.set("Authorization", `Bearer ${token}`);
  return next(req);
};

export const apiBaseUrl: string = import.meta.env.VITE_TASKYARD_URL ?? window.location.origin;

export const transport = createConnectTransport({ baseUrl: apiBaseUrl, interceptors: [withCredential] });

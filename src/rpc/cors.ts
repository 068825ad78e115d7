/**
 * Which browser origins may call the API. Entries are exact origins (`https://app.example.com`),
 * `*` for any, or a host with any port (`http://localhost:*`), which `taskyard dev` allows for
 * loopback when authentication is off, so a page served by Vite or another dev server can call it.
 */
export const LOOPBACK_ORIGINS: readonly string[] = ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

export function createOriginMatcher(entries: readonly string[]): (origin: string) => boolean {
  const exact = new Set(entries.filter((e) => !e.endsWith(":*")));
  const anyPort = entries.filter((e) => e.endsWith(":*")).map((e) => e.slice(0, -2));
  return (origin) => {
    if (exact.has("*") || exact.has(origin)) return true;
    const port = /:(\d{1,5})$/.exec(origin);
    const host = port ? origin.slice(0, -port[0].length) : origin;
    return anyPort.includes(host);
  };
}

/** `taskyard dev`'s origins: the configured ones, else loopback while authentication is off. */
export function devCorsOrigins(configured: readonly string[], authMode: string): readonly string[] {
  return configured.length > 0 || authMode !== "off" ? configured : LOOPBACK_ORIGINS;
}

import net from "node:net";

/**
 * A TCP port that was free on `host` a moment ago (the OS picks it; we release it at once).
 * Another process may grab it before the caller binds it: callers that pick ports this way
 * retry on "address in use" where it matters.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

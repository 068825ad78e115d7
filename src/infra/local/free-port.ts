import net from "node:net";

/**
 * A TCP port that was free on `host` a moment ago (the OS picks it; we release it at once).
 *
 * Linux hands out ephemeral ports at random, so a port released a moment ago may come back from
 * the next bind(:0) — e.g. the Temporal dev server picking its internal ports while ours is not
 * bound yet. As Temporal's own launcher does, a connection to the port is accepted and closed
 * from the listening side first: the port then sits in TIME_WAIT, which keeps bind(:0) from
 * reallocating it for a minute while an explicit bind (SO_REUSEADDR, as mariadbd, Go and Node
 * set) still succeeds. Another process may still grab it on purpose: callers retry on "address
 * in use" where it matters.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    // Server side closes first, so the TIME_WAIT is on the listening port's side; done once the
    // client has closed its end too.
    server.once("connection", (socket) => socket.destroy());
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect({ host, port });
      client.on("error", () => {}); // a reset instead of a FIN is fine too
      client.once("close", () => server.close((err) => (err ? reject(err) : resolve(port))));
    });
  });
}

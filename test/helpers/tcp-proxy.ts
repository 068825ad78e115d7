/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for fault tests: `freeze()` stops every
 * byte both ways on open connections and holds new ones unconnected — what a client sees of a
 * frozen (SIGSTOPped) or partitioned server — and `thaw()` lets everything through again.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpProxy {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const held: Array<() => void> = [];
  /** Forwards `from` → `to`, keeping what arrives while frozen until the thaw. */
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on("data", (chunk: Buffer) => (frozen ? held.push(() => to.write(chunk)) : to.write(chunk)));
  };
  const connect = (client: net.Socket) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    if (frozen) {
      // Held unconnected: the client's connect succeeded, but nothing will answer it.
      client.pause();
      held.push(() => {
        client.resume();
        connect(client);
      });
    } else connect(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const go of held.splice(0)) go();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

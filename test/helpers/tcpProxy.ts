import { createServer, Server, Socket, connect } from "node:net";

/**
 * How a cut looks to a client: `refuse` resets every new connection at once (the server is down,
 * the host answers); `blackhole` accepts and never answers (a network partition), so only the
 * client's own connect timeout ends the attempt.
 */
export type CutMode = "refuse" | "blackhole";

/** A TCP proxy on 127.0.0.1 in front of a local server, which a test can cut and restore. */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Whether it is cut right now. */
  readonly isCut: boolean;
  /** Destroys every open connection (both sides) and refuses or swallows new ones until `restore`. */
  cut(mode?: CutMode): void;
  /** Forwards new connections again (connections swallowed during a black-hole cut are dropped). */
  restore(): void;
  /** How many connections are forwarded right now. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1:0 forwarding to `targetPort` on 127.0.0.1 (loopback only). */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const held = new Set<Socket>();
  let mode: CutMode | null = null;

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    client.on("error", () => {});
    if (mode === "refuse") {
      client.resetAndDestroy();
      return;
    }
    if (mode === "blackhole") {
      held.add(client);
      client.once("close", () => held.delete(client));
      return;
    }
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", drop);
    upstream.once("close", drop);
    upstream.once("connect", () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("tcp proxy: no port");

  const dropAll = () => {
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port: address.port,
    get isCut() { return mode !== null; },
    cut: (how = "refuse") => {
      mode = how;
      dropAll();
    },
    restore: () => {
      mode = null;
      for (const s of [...held]) s.resetAndDestroy();
      held.clear();
    },
    connections: () => pairs.size,
    close: async () => {
      dropAll();
      for (const s of [...held]) s.destroy();
      held.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its host and port replaced by the proxy's (127.0.0.1:<port>). */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}

// Database outages made on purpose, for tests and the benchmark: a TCP proxy in front of PostgreSQL that can be cut, and a PGlite client that refuses queries while cut.
import net from "node:net";
import { openDatabase, pgliteHandle, type DbHandle } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";

export type Outage = {
  /** Takes the database away: open connections are killed and new ones refused (PostgreSQL), or every query fails (PGlite). */
  cut(): void;
  restore(): void;
};

export type TcpProxy = Outage & { port: number; close(): Promise<void> };

/** A TCP proxy on loopback (port 0) in front of `target`; while cut it resets every connection, open or new. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let down = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      down = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A fresh, migrated in-memory PGlite whose queries and transactions fail, as a refused connection would, while cut. */
export async function cuttablePglite(): Promise<{ handle: DbHandle; loseNextAnswer(): void } & Outage> {
  const { PGlite } = await import("@electric-sql/pglite");
  const client = await PGlite.create();
  let down = false;
  let loseAnswer = false;
  const refused = () => Object.assign(new Error("connect ECONNREFUSED (the database was cut on purpose)"), { code: "ECONNREFUSED" });
  const target = client as unknown as Record<"query" | "exec" | "transaction", (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["query", "exec", "transaction"] as const) {
    const original = target[method].bind(client);
    target[method] = async (...args: unknown[]) => {
      if (down) throw refused();
      const result = await original(...args);
      if (loseAnswer) {
        // The statement ran, but its answer never arrives: the connection dropped on the way back.
        loseAnswer = false;
        throw Object.assign(new Error("read ECONNRESET (the answer was lost on purpose)"), { code: "ECONNRESET" });
      }
      return result;
    };
  }
  const handle = await pgliteHandle(client);
  await runMigrations(handle);
  return {
    handle,
    cut: () => void (down = true),
    restore: () => void (down = false),
    loseNextAnswer: () => void (loseAnswer = true),
  };
}

/**
 * The app's database on a PostgreSQL `url` (migrated already), reached through a cuttable TCP proxy: the app uses
 * `handle`; `close()` closes it and the proxy.
 */
export async function cuttablePostgres(url: string): Promise<{ handle: DbHandle } & Outage & { close(): Promise<void> }> {
  const direct = new URL(url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const handle = await openDatabase({ url: viaProxy.toString() });
  return {
    handle,
    cut: proxy.cut,
    restore: proxy.restore,
    close: async () => {
      await handle.close().catch(() => {});
      await proxy.close();
    },
  };
}

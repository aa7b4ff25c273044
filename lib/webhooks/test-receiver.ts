// For tests: a webhook receiver on 127.0.0.1 that checks signatures with the exact code of docs/webhook-verification.md.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

type Verify = (rawBody: Buffer, header: unknown, secret: string) => boolean;

/**
 * The `verifySignature` function of the guide's receiver block, loaded from the guide itself (everything before the
 * server), so the tests prove that the code customers copy accepts what we send.
 */
export async function loadDocsVerifier(): Promise<Verify> {
  const doc = await readFile(path.resolve(process.cwd(), "docs/webhook-verification.md"), "utf8");
  const block = /^```js\n([\s\S]*?)^```$/m.exec(doc)?.[1];
  if (!block) throw new Error("docs/webhook-verification.md has no js code block");
  const head = block.slice(0, block.indexOf("const server"));
  if (!head.includes("function verifySignature")) throw new Error("the guide's receiver has no verifySignature before its server");
  const dir = await mkdtemp(path.join(tmpdir(), "verbatim-verifier-"));
  const file = path.join(dir, "verifier.mjs");
  try {
    // The block reads its secret from the environment and refuses to load without one; ours are passed per call.
    await writeFile(file, `process.env.WEBHOOK_SECRET ??= "whsec_unused";\n${head}\nexport { verifySignature };\n`);
    const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { verifySignature: Verify };
    return module.verifySignature;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type ReceivedWebhook = { path: string; body: string; headers: IncomingHttpHeaders; validFor: string[]; event: { id: string; type: string } };

/** What to answer: a status (with a short body), or "hang" to never answer. */
export type ReceiverAnswer = number | "hang";

export type TestReceiver = {
  url: string;
  received: ReceivedWebhook[];
  /** Secrets to verify against; the receiver records which of them a request's signature matches. */
  secrets: string[];
  /** Answers for the next requests, in order; when empty, 200. */
  answers: ReceiverAnswer[];
  close(): Promise<void>;
};

export async function startTestReceiver(verify: Verify): Promise<TestReceiver> {
  const sockets = new Set<import("node:net").Socket>();
  const receiver: Omit<TestReceiver, "url" | "close"> = { received: [], secrets: [], answers: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const validFor = receiver.secrets.filter((s) => verify(raw, req.headers["verbatim-signature"], s));
      let event = { id: "", type: "" };
      try {
        event = JSON.parse(raw.toString("utf8"));
      } catch {}
      receiver.received.push({ path: req.url ?? "", body: raw.toString("utf8"), headers: req.headers, validFor, event });
      const answer = receiver.answers.shift() ?? 200;
      if (answer === "hang") return;
      if (validFor.length === 0 && receiver.secrets.length > 0) {
        res.writeHead(400, { "Content-Type": "text/plain" }).end("invalid signature");
        return;
      }
      res.writeHead(answer, { "Content-Type": "text/plain" }).end(answer >= 200 && answer < 300 ? "ok" : `failing on purpose with ${answer}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

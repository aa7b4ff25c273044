// Runs the exact receiver code block of docs/webhook-verification.md against bodies signed by signWebhook.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "@/lib/webhooks/send";
import { buildEnvelope, eventId, generateWebhookSecret, signWebhook } from "@/lib/webhooks/sign";

const docPath = path.resolve(__dirname, "../../docs/webhook-verification.md");

function javascriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:js|javascript)\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

const secret = generateWebhookSecret();
const nextSecret = generateWebhookSecret();
let dir: string;
let child: ChildProcess;
let stdout = "";
let receiverUrl: string;

function envelopeBody(): { id: string; body: string } {
  const id = eventId();
  const envelope = buildEnvelope(
    "transcription.finished",
    {
      roomName: "/sales-abc",
      roomSessionId: "rs_1",
      transcriptionId: "tr_1",
      type: "LIVE_TRANSCRIPTION",
      status: "ready",
      filename: "sales-abc-2026-12-01T10:00:00.000Z.md",
      storageType: "HOSTED",
      durationInSeconds: 61,
    },
    { id, createdAt: new Date() },
  );
  return { id, body: JSON.stringify(envelope) };
}

const send = (body: string, signature: string) =>
  sendWebhook({ url: receiverUrl, body, headers: { "Verbatim-Signature": signature }, allowPrivate: true });
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 200; i++) {
    const match = stdout.match(pattern);
    if (match) return match;
    if (child.exitCode !== null) throw new Error(`receiver exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`receiver never printed ${pattern}; output so far: ${stdout}`);
}

beforeAll(async () => {
  const blocks = javascriptBlocks(await readFile(docPath, "utf8"));
  expect(blocks).toHaveLength(1);
  dir = await mkdtemp(path.join(tmpdir(), "verbatim-receiver-"));
  const file = path.join(dir, "receiver.mjs");
  await writeFile(file, blocks[0]);
  child = spawn(process.execPath, [file], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, WEBHOOK_SECRET: secret, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  const [, port] = await waitForOutput(/Listening on port (\d+)/);
  receiverUrl = `http://127.0.0.1:${port}/webhooks/verbatim`;
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the README receiver example", () => {
  it("accepts a body signed by sendWebhook and reads the event", async () => {
    const { id, body } = envelopeBody();
    const result = await sendWebhook({ url: receiverUrl, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "ok" });
    await waitForOutput(new RegExp(`Received transcription.finished ${id}`));
  });

  it("accepts a rotation header whichever v1 carries its secret", async () => {
    const { body } = envelopeBody();
    expect((await send(body, signWebhook(body, [nextSecret, secret]))).status).toBe(200);
    expect((await send(body, signWebhook(body, [secret, nextSecret]))).status).toBe(200);
  });

  it("accepts a signature a few minutes old, rejects one older than 5 minutes", async () => {
    const { body } = envelopeBody();
    expect((await send(body, signWebhook(body, [secret], nowSeconds() - 200))).status).toBe(200);
    expect(await send(body, signWebhook(body, [secret], nowSeconds() - 400))).toMatchObject({
      status: 400,
      responseExcerpt: "invalid signature",
    });
  });

  it("rejects a tampered body and another secret", async () => {
    const { body } = envelopeBody();
    const signature = signWebhook(body, [secret]);
    expect((await send(body.replace('"durationInSeconds":61', '"durationInSeconds":62'), signature)).status).toBe(400);
    expect((await send(body, signWebhook(body, [nextSecret]))).status).toBe(400);
  });

  it.each([
    ["garbage", "nonsense"],
    ["no v1", `t=${Math.floor(Date.now() / 1000)}`],
    ["no t", "v1=" + "a".repeat(64)],
    ["short v1", `t=${Math.floor(Date.now() / 1000)},v1=abcd`],
  ])("rejects a malformed header: %s", async (_name, header) => {
    const { body } = envelopeBody();
    expect((await send(body, header)).status).toBe(400);
  });

  it("rejects a request without the header", async () => {
    const { body } = envelopeBody();
    const response = await fetch(receiverUrl, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("invalid signature");
  });
});

describe("the README test vector", () => {
  it("is what signWebhook produces", async () => {
    const markdown = await readFile(docPath, "utf8");
    const header = /^Verbatim-Signature: (t=\d+,v1=[0-9a-f]{64})$/m.exec(markdown)![1];
    expect(markdown).toContain('the secret `whsec_example`\nand the raw body `{"type":"test"}`');
    expect(signWebhook('{"type":"test"}', ["whsec_example"], 1764000000)).toBe(header);
  });
});

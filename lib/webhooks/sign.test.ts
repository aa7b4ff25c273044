import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { WEBHOOK_EVENT_TYPES, webhookEnvelopeSchema, webhookEventTypeSchema } from "@/lib/webhooks/events";
import { buildEnvelope, eventId, generateWebhookSecret, signWebhook, verifyWebhookSignature } from "@/lib/webhooks/sign";

const secret = "whsec_current-secret-for-tests";
const oldSecret = "whsec_previous-secret-for-tests";
const body = JSON.stringify({ id: "a".repeat(64), apiVersion: "1.0", type: "room.session.started", data: { x: "ü" } });
const now = 1_764_000_000;

describe("signWebhook", () => {
  it("produces t=<seconds>,v1=<hmac of t.body> keyed with the secret string", () => {
    const header = signWebhook(body, [secret], now);
    const expected = createHmac("sha256", secret).update(`${now}.${body}`).digest("hex");
    expect(header).toBe(`t=${now},v1=${expected}`);
  });

  it("adds one v1 per secret during rotation, current first", () => {
    const header = signWebhook(body, [secret, oldSecret], now);
    const parts = header.split(",");
    expect(parts).toHaveLength(3);
    expect(parts[1]).toBe(`v1=${createHmac("sha256", secret).update(`${now}.${body}`).digest("hex")}`);
    expect(parts[2]).toBe(`v1=${createHmac("sha256", oldSecret).update(`${now}.${body}`).digest("hex")}`);
  });

  it("uses the current time when none is given", () => {
    const before = Math.floor(Date.now() / 1000);
    const t = Number(/^t=(\d+),/.exec(signWebhook(body, [secret]))![1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it("refuses to sign without a usable secret or with a bad time", () => {
    expect(() => signWebhook(body, [])).toThrow(TypeError);
    expect(() => signWebhook(body, [""])).toThrow(TypeError);
    expect(() => signWebhook(body, [secret], 1.5)).toThrow(RangeError);
    expect(() => signWebhook(body, [secret], -1)).toThrow(RangeError);
  });
});

describe("verifyWebhookSignature", () => {
  it("accepts its own signature (string or bytes body)", () => {
    const header = signWebhook(body, [secret], now);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, { nowSeconds: now + 10 })).toBe(true);
  });

  it("accepts either secret while two are signing (rotation)", () => {
    const header = signWebhook(body, [secret, oldSecret], now);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(body, header, oldSecret, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(body, header, "whsec_someone-else", { nowSeconds: now })).toBe(false);
  });

  it("rejects a tampered body and a wrong secret", () => {
    const header = signWebhook(body, [secret], now);
    expect(verifyWebhookSignature(body.replace("ü", "u"), header, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body + " ", header, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, header, oldSecret, { nowSeconds: now })).toBe(false);
  });

  it("rejects a timestamp older (or newer) than the tolerance, default 300 s", () => {
    const header = signWebhook(body, [secret], now);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 300 })).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 301 })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now - 301 })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 3000, toleranceSeconds: 3600 })).toBe(true);
    const stale = signWebhook(body, [secret], Math.floor(Date.now() / 1000) - 600);
    expect(verifyWebhookSignature(body, stale, secret)).toBe(false);
  });

  it("rejects a timestamp that was changed after signing", () => {
    const header = signWebhook(body, [secret], now);
    const moved = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifyWebhookSignature(body, moved, secret, { nowSeconds: now })).toBe(false);
  });

  it("ignores unknown schemes and tolerates spaces", () => {
    const header = signWebhook(body, [secret], now);
    const [t, v1] = header.split(",");
    expect(verifyWebhookSignature(body, ` ${t} , v0=abc, ${v1} `, secret, { nowSeconds: now })).toBe(true);
  });

  const good = signWebhook(body, [secret], now);
  const v1 = good.split(",")[1];
  it.each([
    ["empty", ""],
    ["no t", v1],
    ["no v1", `t=${now}`],
    ["t not a number", `t=abc,${v1}`],
    ["two t", `t=${now},t=${now},${v1}`],
    ["short hex", `t=${now},v1=abcd`],
    ["non-hex", `t=${now},v1=${"z".repeat(64)}`],
    ["missing =", `t=${now},${v1.slice(3)}`],
    ["garbage", "sha256=deadbeef"],
    ["t in ms", `t=${now * 1000},${v1}`],
  ])("rejects a malformed header: %s", (_name, header) => {
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now })).toBe(false);
  });

  it("returns false, never throws, for a missing header or bad arguments", () => {
    expect(verifyWebhookSignature(body, undefined, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, null, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, good, "", { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(42 as unknown as string, good, secret, { nowSeconds: now })).toBe(false);
  });
});

describe("secrets and ids", () => {
  it("generates distinct whsec_ secrets with 256 random bits", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it("generates distinct 64-hex event ids", () => {
    const ids = new Set(Array.from({ length: 100 }, () => eventId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("events and buildEnvelope", () => {
  it("lists the nine api.md event types, and the opt-in transcription.segment", () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      "room.client.joined",
      "room.client.left",
      "room.session.started",
      "room.session.ended",
      "transcription.started",
      "transcription.finished",
      "transcription.failed",
      "transcription.segment",
      "summary.finished",
      "summary.failed",
    ]);
    expect(webhookEventTypeSchema.safeParse("transcription.finished").success).toBe(true);
    expect(webhookEventTypeSchema.safeParse("transcription.done").success).toBe(false);
  });

  it("builds the api.md envelope with a validated payload", () => {
    const id = eventId();
    const data = {
      roomName: "/sales-abc",
      roomSessionId: "rs_1",
      transcriptionId: "tr_1",
      type: "LIVE_TRANSCRIPTION" as const,
      status: "ready" as const,
      filename: "sales-abc-2026-12-01T10:00:00.000Z.md",
      storageType: "HOSTED" as const,
      durationInSeconds: 1834,
    };
    const envelope = buildEnvelope("transcription.finished", data, { id, createdAt: new Date("2026-12-01T10:30:00Z") });
    expect(envelope).toEqual({ id, apiVersion: "1.0", createdAt: "2026-12-01T10:30:00.000Z", type: "transcription.finished", data });
    expect(Object.keys(envelope)).toEqual(["id", "apiVersion", "createdAt", "type", "data"]);
    expect(webhookEnvelopeSchema.parse(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it("accepts every event type with its api.md fields", () => {
    const session = { meetingId: "m1", roomName: "/r", roomSessionId: "s1" };
    const client = { ...session, participantId: "p1", displayName: "Ana", roleName: "host", numClients: 2 };
    const transcription = { roomName: "/r", roomSessionId: "s1", transcriptionId: "t1", type: "LIVE_TRANSCRIPTION" as const };
    const summary = { summaryId: "su1", transcriptionId: "t1", template: "SOAP" as const };
    const opts = { id: eventId(), createdAt: "2026-12-01T10:30:00Z" };
    const built = [
      buildEnvelope("room.client.joined", client, opts),
      buildEnvelope("room.client.left", { ...client, numClients: 0 }, opts),
      buildEnvelope("room.session.started", session, opts),
      buildEnvelope("room.session.ended", session, opts),
      buildEnvelope("transcription.started", { ...transcription, status: "in_progress" }, opts),
      buildEnvelope("transcription.failed", { ...transcription, status: "failed", error: "engine crashed" }, opts),
      buildEnvelope("summary.finished", { ...summary, status: "ready" }, opts),
      buildEnvelope("summary.failed", { ...summary, status: "failed" }, opts),
    ];
    for (const envelope of built) expect(webhookEnvelopeSchema.safeParse(envelope).success).toBe(true);
  });

  it("refuses bad data, a bad id and a bad date", () => {
    const opts = { id: eventId(), createdAt: new Date() };
    const session = { meetingId: "m1", roomName: "/r", roomSessionId: "s1" };
    expect(() => buildEnvelope("room.session.started", { ...session, roomName: "r" }, opts)).toThrow(ZodError);
    expect(() =>
      buildEnvelope("room.session.started", { ...session, extra: 1 } as unknown as typeof session, opts),
    ).toThrow(ZodError);
    expect(() =>
      buildEnvelope(
        "transcription.started",
        { roomName: "/r", roomSessionId: "s", transcriptionId: "t", type: "LIVE_TRANSCRIPTION", status: "ready" as "in_progress" },
        opts,
      ),
    ).toThrow(ZodError);
    expect(() => buildEnvelope("room.session.started", session, { ...opts, id: "abc" })).toThrow(TypeError);
    expect(() => buildEnvelope("room.session.started", session, { ...opts, id: "A".repeat(64) })).toThrow(TypeError);
    expect(() => buildEnvelope("room.session.started", session, { ...opts, createdAt: "not a date" })).toThrow(TypeError);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readSse, SseParser } from "./sse";

describe("SSE parsing", () => {
  it("reads events, joins repeated data lines and skips heartbeats", () => {
    const p = new SseParser();
    expect(p.push(": heartbeat\n\nevent: segment\ndata: {\"a\":1}\n\n")).toEqual([{ event: "segment", data: '{"a":1}' }]);
    expect(p.push("data: one\ndata: two\nid: 7\n\n")).toEqual([{ event: "message", data: "one\ntwo", id: "7" }]);
  });

  it("handles events split anywhere, and \\r\\n or \\r line ends split between pieces", () => {
    const text = "event: state\r\ndata: {\"x\":\"y\"}\r\n\r\nevent: segment\rdata:no-space\r\r";
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { event: "state", data: '{"x":"y"}' },
        { event: "segment", data: "no-space" },
      ]);
    }
  });

  it("ignores unknown fields and a blank line with no data", () => {
    const p = new SseParser();
    expect(p.push("retry: 100\nevent: x\n\nfoo\ndata\n\n")).toEqual([{ event: "message", data: "" }]);
  });

  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it("reads a real event stream from a local server until it ends, and stops on abort", async () => {
    server = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.write(": hi\n\n");
      res.write('event: segment\ndata: {"text":"hello"}\n\n');
      if (req.url === "/short") {
        res.end('event: state\ndata: {"state":"idle"}\n\n');
      } else {
        res.write('event: state\ndata: {"state":"in_progress"}\n\n');
        // stays open until the client goes
      }
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const short = await fetch(`${base}/short`);
    const events = [];
    for await (const e of readSse(short.body!)) events.push(e);
    expect(events.map((e) => e.event)).toEqual(["segment", "state"]);

    const abort = new AbortController();
    const long = await fetch(`${base}/long`, { signal: abort.signal });
    const seen: string[] = [];
    for await (const e of readSse(long.body!, abort.signal)) {
      seen.push(e.data);
      if (seen.length === 2) abort.abort();
    }
    expect(seen).toEqual(['{"text":"hello"}', '{"state":"in_progress"}']);
    server.closeAllConnections();
  });
});

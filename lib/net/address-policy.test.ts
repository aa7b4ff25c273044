import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { guardedLookup, pinnedLookup, refusedAddressReason, resolveDeliveryTarget, validateTargetUrl } from "@/lib/net/address-policy";

describe("validateTargetUrl", () => {
  const strict = { allowPrivate: false };
  const open = { allowPrivate: true };

  it.each([
    ["https://hooks.example.com/verbatim", true, true],
    ["https://hooks.example.com:8443/in?x=1", true, true],
    ["https://93.184.215.14/hook", true, true],
    ["https://[2606:4700::1111]/hook", true, true],
    ["http://hooks.example.com/verbatim", false, true],
    ["http://127.0.0.1:3000/hook", false, true],
    ["https://localhost/hook", false, true],
    ["https://api.localhost/hook", false, true],
    ["https://10.0.0.1/hook", false, true],
    ["https://172.16.5.4/hook", false, true],
    ["https://192.168.1.1/hook", false, true],
    ["https://100.64.0.1/hook", false, true],
    ["https://169.254.10.10/hook", false, true],
    ["https://[::1]/hook", false, true],
    ["https://[fe80::1]/hook", false, true],
    ["https://[fd12:3456::1]/hook", false, true],
    ["https://[::ffff:127.0.0.1]/hook", false, true],
    ["https://[::ffff:10.0.0.1]/hook", false, true],
    ["https://[64:ff9b::a9fe:a9fe]/hook", false, false],
    ["https://0x7f.1/hook", false, true],
    ["https://2130706433/hook", false, true],
    ["https://169.254.169.254/latest/meta-data", false, false],
    ["https://[::ffff:169.254.169.254]/", false, false],
    ["https://[fd00:ec2::254]/", false, false],
    ["https://0.0.0.0/hook", false, false],
    ["https://[::]/hook", false, false],
    ["https://224.0.0.1/hook", false, false],
    ["https://[ff02::1]/hook", false, false],
    ["https://255.255.255.255/hook", false, false],
    ["https://user:pass@hooks.example.com/", false, false],
    ["https://user@hooks.example.com/", false, false],
    ["https://hooks.example.com:0/", false, false],
    ["https://hooks.example.com:70000/", false, false],
    ["ftp://hooks.example.com/", false, false],
    ["javascript:alert(1)", false, false],
    ["file:///etc/passwd", false, false],
    ["/relative/path", false, false],
    ["", false, false],
    [`https://hooks.example.com/${"a".repeat(2100)}`, false, false],
  ])("%s: strict %s, allowPrivate %s", (url, okStrict, okOpen) => {
    const s = validateTargetUrl(url, strict);
    const o = validateTargetUrl(url, open);
    expect(s.ok).toBe(okStrict);
    expect(o.ok).toBe(okOpen);
    if (!s.ok) expect(s.reason).toMatch(/\S/);
  });

  it("explains the refusal", () => {
    expect(validateTargetUrl("http://hooks.example.com/", strict)).toEqual({ ok: false, reason: "https is required" });
    expect(validateTargetUrl("https://10.0.0.1/", strict)).toEqual({ ok: false, reason: "private address 10.0.0.1 (private)" });
    expect(validateTargetUrl("https://[::ffff:127.0.0.1]/", strict)).toMatchObject({
      reason: expect.stringContaining("loopback, embedded IPv4 127.0.0.1"),
    });
    expect(validateTargetUrl("https://169.254.169.254/", open)).toMatchObject({ reason: expect.stringContaining("cloud metadata") });
    expect(validateTargetUrl("https://a:b@x.example/", strict)).toMatchObject({ reason: expect.stringContaining("credentials") });
  });

  it("returns the parsed URL, keeping an explicit port, path and query", () => {
    const result = validateTargetUrl("https://Hooks.Example.com:8443/in?x=1", strict);
    expect(result.ok && result.url.href).toBe("https://hooks.example.com:8443/in?x=1");
  });
});

describe("refusedAddressReason", () => {
  it.each([
    ["8.8.8.8", null],
    ["1.1.1.1", null],
    ["2606:4700::1111", null],
    ["::ffff:8.8.8.8", null],
    ["64:ff9b::808:808", null],
    ["10.255.255.255", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", null],
    ["192.168.0.1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["100.128.0.1", null],
    ["::1", "loopback"],
    ["fe80::1%eth0", "link-local"],
    ["fc00::1", "unique-local"],
    ["fdff::1", "unique-local"],
    ["::ffff:192.168.1.1", "private, embedded IPv4 192.168.1.1"],
    ["::ffff:7f00:1", "loopback, embedded IPv4 127.0.0.1"],
    ["::a00:1", "private, embedded IPv4 10.0.0.1"],
    ["2002:c0a8:101::1", "private, embedded IPv4 192.168.1.1"],
    ["64:ff9b::a00:1", "private, embedded IPv4 10.0.0.1"],
    ["2001:db8::1", "documentation"],
    ["4000::1", "reserved"],
  ])("%s → %s", (address, category) => {
    const reason = refusedAddressReason(address, { allowPrivate: false });
    expect(reason).toBe(category === null ? null : `private address ${address} (${category})`);
    expect(refusedAddressReason(address, { allowPrivate: true })).toBeNull();
  });

  it.each([
    ["169.254.169.254", "cloud metadata"],
    ["::ffff:169.254.169.254", "cloud metadata, embedded IPv4 169.254.169.254"],
    ["fd00:ec2::254", "cloud metadata"],
    ["100.100.100.200", "cloud metadata"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["239.1.2.3", "multicast"],
    ["ff05::2", "multicast"],
    ["255.255.255.255", "reserved"],
  ])("%s is refused even when private targets are allowed (%s)", (address, category) => {
    expect(refusedAddressReason(address, { allowPrivate: true })).toBe(`private address ${address} (${category})`);
  });

  it("says when the input is not an address", () => {
    expect(refusedAddressReason("example.com", { allowPrivate: true })).toBe("not an IP address: example.com");
  });
});

describe("resolveDeliveryTarget", () => {
  it("pins a literal address without a lookup", async () => {
    const target = await resolveDeliveryTarget("http://127.0.0.1:9/x", { allowPrivate: true });
    expect(target).toMatchObject({ ok: true, hostname: "127.0.0.1", address: "127.0.0.1", family: 4 });
    const v6 = await resolveDeliveryTarget("http://[::1]:9/x", { allowPrivate: true });
    expect(v6).toMatchObject({ ok: true, hostname: "::1", address: "::1", family: 6 });
  });

  it("resolves a name and refuses it when it points at loopback", async () => {
    // "localhost" resolves from the hosts file: no network traffic.
    const refused = await resolveDeliveryTarget("https://localhost:8443/hook", { allowPrivate: false });
    expect(refused).toMatchObject({ ok: false, stage: "policy" });
    const allowed = await resolveDeliveryTarget("http://localhost:8443/hook", { allowPrivate: true });
    expect(allowed.ok).toBe(true);
    if (allowed.ok) {
      expect(allowed.hostname).toBe("localhost");
      expect(["127.0.0.1", "::1"]).toContain(allowed.address);
    }
  });

  it("applies the URL policy first", async () => {
    expect(await resolveDeliveryTarget("http://example.com/", { allowPrivate: false })).toEqual({
      ok: false,
      reason: "https is required",
      stage: "policy",
    });
    expect(await resolveDeliveryTarget("https://10.1.1.1/", { allowPrivate: false })).toMatchObject({ ok: false, stage: "policy" });
  });
});

describe("pinnedLookup", () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it("answers in both callback shapes", () => {
    const lookup = pinnedLookup("203.0.113.7", 4);
    const single: unknown[] = [];
    lookup("anything.example", {}, (...args: unknown[]) => single.push(...args));
    expect(single).toEqual([null, "203.0.113.7", 4]);
    const all: unknown[] = [];
    lookup("anything.example", { all: true }, (...args: unknown[]) => all.push(...args));
    expect(all).toEqual([null, [{ address: "203.0.113.7", family: 4 }]]);
  });

  it("sends a request for an unresolvable name to the pinned address, Host header unchanged", async () => {
    const server = http.createServer((req, res) => res.end(req.headers.host));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    // ".invalid" can never resolve (RFC 6761), so an answer proves that DNS was not asked.
    const hostHeader = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { hostname: "receiver.invalid", port, path: "/", lookup: pinnedLookup("127.0.0.1", 4), agent: false },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(hostHeader).toBe(`receiver.invalid:${port}`);
  });
});

describe("guardedLookup", () => {
  const answer = (lookup: ReturnType<typeof guardedLookup>, host: string, all = false) =>
    new Promise<unknown>((resolve) =>
      lookup(host, { all } as never, ((err: Error | null, address: unknown, family?: number) => resolve(err ? { err: (err as NodeJS.ErrnoException).code } : { address, family })) as never),
    );

  it("refuses a name whose addresses include a private one (policy as a function: nothing is connected)", async () => {
    const resolver = async () => [{ address: "203.0.113.9", family: 4 }, { address: "10.1.2.3", family: 4 }];
    expect(await answer(guardedLookup({ allowPrivate: false }, resolver), "s3.customer.example")).toEqual({ err: "ERR_ADDRESS_REFUSED" });
    expect(await answer(guardedLookup({ allowPrivate: true }, async () => [{ address: "10.1.2.3", family: 4 }]), "minio.internal")).toEqual({ address: "10.1.2.3", family: 4 });
    // Metadata stays refused with private ranges allowed.
    expect(await answer(guardedLookup({ allowPrivate: true }, async () => [{ address: "169.254.169.254", family: 4 }]), "m.example")).toEqual({ err: "ERR_ADDRESS_REFUSED" });
    expect(await answer(guardedLookup({ allowPrivate: false }, async () => [{ address: "fd12::1", family: 6 }]), "v6.example", true)).toEqual({ err: "ERR_ADDRESS_REFUSED" });
  });

  it("answers in the shape asked for with the address it checked", async () => {
    const lookup = guardedLookup({ allowPrivate: false }, async () => [{ address: "2606:4700::1111", family: 6 }]);
    expect(await answer(lookup, "s3.example", true)).toEqual({ address: [{ address: "2606:4700::1111", family: 6 }], family: undefined });
    expect(await answer(lookup, "localhost")).toEqual({ err: "ERR_ADDRESS_REFUSED" });
  });

  it("refuses over the wire a loopback answer that came after a public one (rebinding), without connecting", async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits += 1;
      res.end("inside");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      const lookup = guardedLookup({ allowPrivate: false }, async () => [{ address: "127.0.0.1", family: 4 }]);
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
        http.get({ hostname: "rebind.example", port, path: "/", agent: new http.Agent({ lookup }) }, () => resolve(new Error("connected"))).on("error", resolve);
      });
      expect(error.code).toBe("ERR_ADDRESS_REFUSED");
      expect(hits).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("validateTargetUrl for S3 endpoints", () => {
  it("takes plain http when asked but keeps the address policy", () => {
    expect(validateTargetUrl("http://s3.example.com", { allowPrivate: false, httpAllowed: true }).ok).toBe(true);
    expect(validateTargetUrl("http://10.0.0.5:9000", { allowPrivate: false, httpAllowed: true })).toEqual({ ok: false, reason: "private address 10.0.0.5 (private)" });
    expect(validateTargetUrl("http://10.0.0.5:9000", { allowPrivate: true, httpAllowed: true }).ok).toBe(true);
    expect(validateTargetUrl("http://[fd00:ec2::254]", { allowPrivate: true, httpAllowed: true }).ok).toBe(false);
  });
});

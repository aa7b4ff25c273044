import { describe, expect, it } from "vitest";
import { embedOriginsFromText, embedOriginsSchema, frameAncestors, isEmbedOriginAllowed, parseEmbedOrigin } from "./embed-origins";

describe("parseEmbedOrigin", () => {
  it("normalizes an origin: lowercase host, default port dropped, trailing slash dropped", () => {
    expect(parseEmbedOrigin("https://App.Example.com/")).toEqual({ origin: "https://app.example.com" });
    expect(parseEmbedOrigin("https://app.example.com:443")).toEqual({ origin: "https://app.example.com" });
    expect(parseEmbedOrigin("https://app.example.com:8443")).toEqual({ origin: "https://app.example.com:8443" });
    expect(parseEmbedOrigin("  http://127.0.0.1:3131 ")).toEqual({ origin: "http://127.0.0.1:3131" });
    expect(parseEmbedOrigin("http://localhost:3000")).toEqual({ origin: "http://localhost:3000" });
  });

  it.each([
    ["", /Enter an origin/],
    ["app.example.com", /start with https:\/\//],
    ["ftp://app.example.com", /start with https:\/\//],
    ["https://app.example.com/embed", /without a path/],
    ["https://app.example.com?x=1", /without a path, query/],
    ["https://app.example.com#top", /fragment/],
    ["https://*.example.com", /wildcards/],
    ["https://user:pw@app.example.com", /user name or password/],
    ["http://app.example.com", /use https:\/\//],
    ["https://exa mple.com", /not an origin/],
    ["https://app.example.com;script-src 'self'", /not an origin|without a path/],
  ])("refuses %j with a clear reason", (raw, reason) => {
    const parsed = parseEmbedOrigin(raw);
    expect(parsed).toHaveProperty("problem");
    expect((parsed as { problem: string }).problem).toMatch(reason);
  });
});

describe("embedOriginsSchema", () => {
  it("takes a text box of origins, one a line, deduplicated after normalizing", () => {
    const parsed = embedOriginsSchema.parse(embedOriginsFromText("https://app.example.com\nhttps://APP.example.com/\n\nhttp://127.0.0.1:3131"));
    expect(parsed).toEqual(["https://app.example.com", "http://127.0.0.1:3131"]);
  });

  it("names each bad entry", () => {
    const result = embedOriginsSchema.safeParse(["https://ok.example.com", "http://plain.example.com", "https://x.example.com/path"]);
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("http://plain.example.com");
    expect(messages[1]).toContain("https://x.example.com/path");
  });

  it("refuses more than 20 origins", () => {
    const many = Array.from({ length: 21 }, (_, i) => `https://s${i}.example.com`);
    expect(embedOriginsSchema.safeParse(many).error?.issues[0].message).toMatch(/at most 20/);
  });
});

describe("frameAncestors", () => {
  it("is 'none' without origins, else the origins", () => {
    expect(frameAncestors([])).toBe("'none'");
    expect(frameAncestors(["https://a.example.com", "http://127.0.0.1:3131"])).toBe("https://a.example.com http://127.0.0.1:3131");
  });

  it("never lets a stored value break out of the directive", () => {
    expect(frameAncestors(["https://a.example.com; script-src *", "*"])).toBe("'none'");
  });
});

describe("isEmbedOriginAllowed", () => {
  it("matches exactly, after normalizing", () => {
    const list = ["https://app.example.com", "http://127.0.0.1:3131"];
    expect(isEmbedOriginAllowed(list, "https://app.example.com")).toBe(true);
    expect(isEmbedOriginAllowed(list, "https://APP.example.com:443")).toBe(true);
    expect(isEmbedOriginAllowed(list, "http://127.0.0.1:3132")).toBe(false);
    expect(isEmbedOriginAllowed(list, "https://app.example.com.evil.test")).toBe(false);
    expect(isEmbedOriginAllowed(list, "null")).toBe(false);
    expect(isEmbedOriginAllowed(list, null)).toBe(false);
  });
});

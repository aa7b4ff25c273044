import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "@/lib/storage/content-disposition";

describe("attachmentDisposition", () => {
  it("gives a plain ASCII name and the exact UTF-8 name", () => {
    expect(attachmentDisposition("sales-2026-12-01T10:00:00.000Z.md")).toBe(
      `attachment; filename="sales-2026-12-01T10:00:00.000Z.md"; filename*=UTF-8''sales-2026-12-01T10%3A00%3A00.000Z.md`,
    );
    expect(attachmentDisposition("Zoë's notes.md")).toBe(
      `attachment; filename="Zo_'s notes.md"; filename*=UTF-8''Zo%C3%AB%27s%20notes.md`,
    );
  });

  it("cannot be broken out of by quotes, separators, slashes or line breaks", () => {
    const header = attachmentDisposition('a"; filename="evil.exe\r\nX-Injected: 1/..\\b.md');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.match(/"/g)).toHaveLength(2);
    expect(header).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(header).not.toContain("/");
  });

  it("falls back to a name when nothing printable remains", () => {
    expect(attachmentDisposition("\u0000\n")).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
  });
});

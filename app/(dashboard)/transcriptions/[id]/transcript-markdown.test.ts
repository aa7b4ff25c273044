import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/transcripts/render";
import { TranscriptMarkdown, timeAnchor } from "./transcript-markdown";

const meta = {
  roomName: "/sales-<i>x</i>",
  roomSessionId: "s-1",
  startedAt: new Date("2026-12-01T10:00:00.000Z"),
  endedAt: new Date("2026-12-01T10:05:00.000Z"),
  language: "en",
  participants: ['<img src=x onerror="alert(1)">', "**Bold** [link](javascript:alert(1))", "Ana"],
};
const segments = [
  { participantId: "p1", displayName: '<img src=x onerror="alert(1)">', startMs: 3000, endMs: 4000, text: "<script>alert('x')</script> hi" },
  { participantId: "p2", displayName: "**Bold** [link](javascript:alert(1))", startMs: 65_000, endMs: 67_000, text: "# not a heading | `code` _em_" },
  { participantId: "p3", displayName: "Ana", startMs: 3_725_000, endMs: 3_726_000, text: "Let's talk budget. Budget again." },
];
const html = (markdown: string, highlight?: string) => renderToStaticMarkup(createElement(TranscriptMarkdown, { markdown, highlight }));

describe("the transcript view's Markdown", () => {
  it("shows names and text holding HTML or Markdown as the characters typed, never as markup", () => {
    const out = html(renderMarkdown(meta, segments));
    expect(out).not.toMatch(/<img|<script|<i>|<em>|<code>|<h[13-6]|<table|href="javascript/i);
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; hi");
    expect(out).toContain("**Bold** [link](javascript:alert(1))");
    expect(out).toContain("# not a heading | `code` _em_");
    expect(out).toContain("<h2>Transcript: /sales-&lt;i&gt;x&lt;/i&gt;</h2>");
  });

  it("drops raw HTML even in a file that was not escaped", () => {
    const out = html('Hello <b onclick="x()">there</b>\n\n<div><script>alert(1)</script></div>\n\n[x](javascript:alert(1))').replace(/^<div class="transcript-markdown">|<\/div>$/g, "");
    expect(out).not.toMatch(/<b|<div|<script|javascript:/);
    expect(out).toContain("Hello");
  });

  it("anchors each line at its time and links the timestamp to it", () => {
    const out = html(renderMarkdown(meta, segments));
    expect(timeAnchor(65)).toBe("t-00-01-05");
    expect(out).toContain('<p id="t-00-00-03" class="transcript-line"><strong><a href="#t-00-00-03" class="transcript-time" title="Link to this moment">[00:00:03]</a>');
    expect(out).toContain('id="t-00-01-05"');
    expect(out).toContain('id="t-01-02-05"');
  });

  it("highlights every occurrence of the searched words, case-insensitively, without treating them as patterns", () => {
    const out = html(renderMarkdown(meta, segments), "budget");
    expect(out.match(/<mark data-hit="">/g)).toHaveLength(2);
    expect(out).toContain('<mark data-hit="">budget</mark>. <mark data-hit="">Budget</mark> again.');
    expect(html(renderMarkdown(meta, segments), "(.*")).not.toContain("<mark");
    expect(html(renderMarkdown(meta, segments), "")).not.toContain("<mark");
  });
});

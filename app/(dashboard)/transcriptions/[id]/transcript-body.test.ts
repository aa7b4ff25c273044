// The transcript reading view's text: names and speech holding HTML stay characters, matches are marked, lines anchored.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { groupConsecutive } from "@/lib/transcripts/reading";
import { timeAnchor } from "./time-anchor";
import { searchPattern, TranscriptBody } from "./transcript-body";

const segments = [
  { id: 1, participantId: "p1", displayName: '<img src=x onerror="alert(1)">', startMs: 3000, endMs: 4000, text: "<script>alert('x')</script> budget" },
  { id: 2, participantId: "p1", displayName: '<img src=x onerror="alert(1)">', startMs: 3500, endMs: 5000, text: "Same second." },
  { id: 3, participantId: "p2", displayName: "Ana", startMs: 3_725_000, endMs: 3_726_000, text: "Let's talk Budget. (a+b)" },
];
const anchors = new Map([
  [1, timeAnchor(3)],
  [3, timeAnchor(3725)],
]);
const html = (query = "") => renderToStaticMarkup(createElement(TranscriptBody, { blocks: groupConsecutive(segments), anchors, pattern: searchPattern(query) }));

describe("the transcript body", () => {
  it("shows names and text holding HTML as the characters typed, never as markup", () => {
    const out = html();
    expect(out).not.toMatch(/<img|<script/i);
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; budget");
  });

  it("groups one speaker's consecutive lines under one name, with the time of the first linked to its anchor", () => {
    const out = html();
    expect(out.match(/data-testid="speaker-block"/g)).toHaveLength(2);
    expect(out.match(/data-testid="speaker-name"/g)).toHaveLength(2);
    expect(out).toContain('href="#t-00-00-03"');
    expect(out).toContain('id="t-00-00-03"');
    expect(out).toContain('id="t-01-02-05"');
    expect(timeAnchor(65)).toBe("t-00-01-05");
  });

  it("marks every case-insensitive match of the searched words, special characters taken literally", () => {
    expect(html("budget").match(/<mark data-hit=""/g)).toHaveLength(2);
    expect(html("(a+b)").match(/<mark data-hit=""/g)).toHaveLength(1);
    expect(html("   ")).not.toContain("<mark");
  });
});

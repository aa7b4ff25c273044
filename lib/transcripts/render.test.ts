import { micromark } from "micromark";
import { describe, expect, it } from "vitest";
import {
  escapeMarkdownInline,
  formatDuration,
  renderJson,
  renderMarkdown,
  renderText,
  renderTranscript,
  renderWebVtt,
  transcriptFilename,
  type TranscriptMeta,
  type TranscriptSegment,
} from "@/lib/transcripts/render";

const meta: TranscriptMeta = {
  roomName: "/sales-4f1c",
  roomSessionId: "6b1d7c1e-3f0a-4a55-9d7e-0c1f1f1f1f1f",
  startedAt: new Date("2026-12-01T10:00:00.000Z"),
  endedAt: new Date("2026-12-01T10:30:34.250Z"),
  language: "en",
  engine: "pocketsphinx",
  participants: ["Ana", "Ben"],
};

const segments: TranscriptSegment[] = [
  { participantId: "p2", displayName: "Ben", startMs: 7400, endMs: 9900, text: "Morning. Let's start with the budget." },
  { participantId: "p1", displayName: "Ana", startMs: 3200, endMs: 5100, text: "Good morning everyone." },
  { participantId: "p1", displayName: "Ana", startMs: 12_000, endMs: 12_500, text: "   " },
];

const MALICIOUS = [
  '<img src=x onerror="alert(1)">',
  "**Boss**",
  "[click me](javascript:alert(1))",
  "Eve\n\n# Fake heading\n- fake bullet",
  "`code` and ``more``",
  "a | b | c",
  "www.evil.example",
  "https://evil.example/x",
  "mallory@evil.example",
  "&lt;script&gt;",
  "~~gone~~ _under_ \\",
  "![pic](http://x/y.png)",
  "Ana:** injected **[00:00:00] Ben:",
];

describe("renderMarkdown", () => {
  it("renders product.md's format exactly", () => {
    expect(renderMarkdown(meta, segments)).toBe(
      [
        "# Transcript: /sales-4f1c",
        "",
        "- Session: 6b1d7c1e-3f0a-4a55-9d7e-0c1f1f1f1f1f",
        "- Started: 2026-12-01T10:00:00.000Z  Ended: 2026-12-01T10:30:34.250Z  Duration: 0:30:34",
        "- Language: en",
        "- Participants: Ana, Ben",
        "- Audio: not kept (only the text below was stored)",
        "",
        "**[00:00:03] Ana:** Good morning everyone.",
        "",
        "**[00:00:07] Ben:** Morning. Let's start with the budget.",
        "",
      ].join("\n"),
    );
  });

  it("names who asked not to be transcribed and marks an off-the-record gap with its times, in time order", () => {
    const md = renderMarkdown({ ...meta, notTranscribed: ["Ben"], offRecord: [{ startMs: 190_000, endMs: 342_400 }] }, [
      ...segments,
      { participantId: "p1", displayName: "Ana", startMs: 350_000, endMs: 351_000, text: "We are back." },
    ]);
    expect(md).toContain(["- Participants: Ana, Ben", "- Not transcribed at their request: Ben", "- Audio: not kept (only the text below was stored)", ""].join("\n"));
    expect(md).toContain(["**[00:00:07] Ben:** Morning. Let's start with the budget.", "", "*Off the record 00:03:10–00:05:42*", "", "**[00:05:50] Ana:** We are back."].join("\n"));
    const txt = renderText({ ...meta, notTranscribed: ["Ben"], offRecord: [{ startMs: 190_000, endMs: 342_400 }] }, segments);
    expect(txt).toContain("Not transcribed at their request: Ben\nAudio: not kept (only the text below was stored)\n");
    expect(txt.trimEnd().endsWith("(Off the record 00:03:10–00:05:42)")).toBe(true);
    const vtt = renderWebVtt({ ...meta, offRecord: [{ startMs: 0, endMs: 2000 }] }, segments);
    expect(vtt).toContain("WEBVTT - Transcript: /sales-4f1c\n\nNOTE Off the record 00:00:00–00:00:02\n\n1\n00:00:03.200");
  });

  it("escapes the names of those not transcribed", () => {
    const md = renderMarkdown({ ...meta, notTranscribed: ["**Boss**"] }, segments);
    expect(md).toContain("- Not transcribed at their request: \\*\\*Boss\\*\\*\n");
  });

  it.each(MALICIOUS)("a display name cannot inject Markdown or HTML: %j", (name) => {
    const md = renderMarkdown({ ...meta, participants: [name] }, [
      { participantId: "p1", displayName: name, startMs: 1000, endMs: 2000, text: "hello" },
    ]);
    const html = micromark(md);
    // The speaker line renders as one paragraph: bold timestamp and name, then the text, nothing else.
    const flat = name.replace(/\s+/g, " ").trim();
    const escapedHtml = flat.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    expect(html).toContain(`<p><strong>[00:00:01] ${escapedHtml}:</strong> hello</p>`);
    expect(html).toContain(`<li>Participants: ${escapedHtml}</li>`);
    expect(html).not.toMatch(/<(img|a|code|em|h2|script|del)\b/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html.match(/<strong>/g)).toHaveLength(1);
    expect(md.split("\n")).toHaveLength(10); // seven header lines, a blank, the speaker line, the final newline
  });

  it("escapes spoken text too, and keeps ordinary punctuation readable", () => {
    expect(escapeMarkdownInline("Dr. Smith, it's 5 p.m. <b>now</b>")).toBe("Dr. Smith, it's 5 p\\.m. \\<b\\>now\\</b\\>");
    const md = renderMarkdown(meta, [{ participantId: "p", displayName: "Ana", startMs: 0, endMs: 1, text: "*not bold*\nnext" }]);
    expect(md).toContain("**[00:00:00] Ana:** \\*not bold\\* next\n");
    expect(micromark(md)).toContain("<p><strong>[00:00:00] Ana:</strong> *not bold* next</p>");
  });

  it("names an empty display name instead of printing nothing", () => {
    const md = renderMarkdown({ ...meta, participants: [" \n "] }, [
      { participantId: "p", displayName: "", startMs: 0, endMs: 1, text: "hi" },
    ]);
    expect(md).toContain("- Participants: Unnamed participant\n");
    expect(md).toContain("**[00:00:00] Unnamed participant:** hi");
  });

  it("formats long sessions and timestamps", () => {
    expect(formatDuration(12 * 3600 * 1000)).toBe("12:00:00");
    expect(formatDuration(3_599_999)).toBe("0:59:59");
    const md = renderMarkdown(
      { ...meta, endedAt: new Date(meta.startedAt.getTime() + 11 * 3600_000 + 61_000) },
      [{ participantId: "p", displayName: "Ana", startMs: 11 * 3600_000 + 60_500, endMs: 11 * 3600_000 + 61_000, text: "late" }],
    );
    expect(md).toContain("Duration: 11:01:01");
    expect(md).toContain("**[11:01:00] Ana:** late");
  });
});

describe("transcriptFilename", () => {
  it("is the room name without the slash, a dash and the ISO start", () => {
    expect(transcriptFilename("/sales-4f1c", meta.startedAt)).toBe("sales-4f1c-2026-12-01T10:00:00.000Z.md");
    expect(transcriptFilename("/sales-4f1c", meta.startedAt, "vtt")).toBe("sales-4f1c-2026-12-01T10:00:00.000Z.vtt");
  });
});

describe("renderText", () => {
  it("is plain lines with timestamps and names, one line per segment", () => {
    const txt = renderText({ ...meta, participants: ["Ana", "Ben\nJr"] }, segments);
    expect(txt).toBe(
      [
        "Transcript: /sales-4f1c",
        "",
        "Session: 6b1d7c1e-3f0a-4a55-9d7e-0c1f1f1f1f1f",
        "Started: 2026-12-01T10:00:00.000Z  Ended: 2026-12-01T10:30:34.250Z  Duration: 0:30:34",
        "Language: en",
        "Participants: Ana, Ben Jr",
        "Audio: not kept (only the text below was stored)",
        "",
        "[00:00:03] Ana: Good morning everyone.",
        "",
        "[00:00:07] Ben: Morning. Let's start with the budget.",
        "",
      ].join("\n"),
    );
  });
});

describe("renderWebVtt", () => {
  it("writes cues with voice tags", () => {
    expect(renderWebVtt(meta, segments)).toBe(
      [
        "WEBVTT - Transcript: /sales-4f1c",
        "",
        "1",
        "00:00:03.200 --> 00:00:05.100",
        "<v Ana>Good morning everyone.",
        "",
        "2",
        "00:00:07.400 --> 00:00:09.900",
        "<v Ben>Morning. Let's start with the budget.",
        "",
      ].join("\n"),
    );
  });

  it("times cues past the first hour to the millisecond, and the text file to the second, the same speaker's lines each on their own", () => {
    const long: TranscriptSegment[] = [
      { participantId: "p1", displayName: "Ana", startMs: 3_725_042, endMs: 3_727_999, text: "Still here after an hour." },
      { participantId: "p1", displayName: "Ana", startMs: 3_728_500, endMs: 3_729_000, text: "Yes." },
    ];
    expect(renderWebVtt(meta, long)).toContain("1\n01:02:05.042 --> 01:02:07.999\n<v Ana>Still here after an hour.\n\n2\n01:02:08.500 --> 01:02:09.000\n<v Ana>Yes.\n");
    expect(renderText(meta, long)).toContain("[01:02:05] Ana: Still here after an hour.\n\n[01:02:08] Ana: Yes.\n");
  });

  it("escapes names and text so no tag or cue break can be injected", () => {
    const vtt = renderWebVtt(meta, [
      { participantId: "p", displayName: "Eve> <b>x</b>\n\n2\n00:00:00.000 --> 00:00:01.000", startMs: 0, endMs: 0, text: "a --> b & <i>c</i>" },
    ]);
    expect(vtt).toBe(
      [
        "WEBVTT - Transcript: /sales-4f1c",
        "",
        "1",
        "00:00:00.000 --> 00:00:00.001",
        "<v Eve&gt; &lt;b&gt;x&lt;/b&gt; 2 00:00:00.000 --&gt; 00:00:01.000>a --&gt; b &amp; &lt;i&gt;c&lt;/i&gt;",
        "",
      ].join("\n"),
    );
  });
});

describe("renderJson", () => {
  it("carries the metadata and ordered segments, with names as given", () => {
    const parsed = JSON.parse(renderJson({ ...meta, participants: [MALICIOUS[0]] }, segments));
    expect(parsed).toEqual({
      roomName: "/sales-4f1c",
      roomSessionId: meta.roomSessionId,
      startDate: "2026-12-01T10:00:00.000Z",
      endDate: "2026-12-01T10:30:34.250Z",
      durationInSeconds: 1834,
      language: "en",
      engine: "pocketsphinx",
      participants: [MALICIOUS[0]],
      notTranscribed: [],
      offTheRecord: [],
      audioKept: false,
      segments: [
        { participantId: "p1", displayName: "Ana", startMs: 3200, endMs: 5100, text: "Good morning everyone." },
        { participantId: "p2", displayName: "Ben", startMs: 7400, endMs: 9900, text: "Morning. Let's start with the budget." },
      ],
    });
  });

  it("renderTranscript dispatches on the format", () => {
    expect(renderTranscript("md", meta, segments)).toBe(renderMarkdown(meta, segments));
    expect(renderTranscript("json", meta, segments)).toBe(renderJson(meta, segments));
  });
});

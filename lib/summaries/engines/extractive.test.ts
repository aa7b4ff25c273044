import { describe, expect, it } from "vitest";
import { createExtractiveEngine, escapeMarkdownName, summarizeExtractively, tooShortMessage } from "@/lib/summaries/engines/extractive";
import { SummaryEngineError, type TranscriptSegment } from "@/lib/summaries/engines/types";
import { NOT_DISCUSSED, SUMMARY_TEMPLATES, summaryContentSchemas, type SummaryTemplate } from "@/lib/summaries/templates";
import { buildTranscript } from "@/lib/summaries/fixtures/build-transcript";
import { doctorVisitTranscript } from "@/lib/summaries/fixtures/doctor-visit";
import { lectureTranscript } from "@/lib/summaries/fixtures/lecture";
import { makeLongTranscript } from "@/lib/summaries/fixtures/long-transcript";
import { meetingTranscript } from "@/lib/summaries/fixtures/meeting";
import { tutoringTranscript } from "@/lib/summaries/fixtures/tutoring";
import { unpunctuatedTranscript } from "@/lib/summaries/fixtures/unpunctuated";

const FIXTURES: Record<string, TranscriptSegment[]> = {
  meeting: meetingTranscript,
  "doctor visit": doctorVisitTranscript,
  lecture: lectureTranscript,
  tutoring: tutoringTranscript,
  "unpunctuated (PocketSphinx-style)": unpunctuatedTranscript,
};

/** Every string in a summary, wherever the template puts it. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Reads every line of a summary as `- **Name:** quote` (or a paragraph `**Name:** quote … quote`) and returns the
 * quotes; anything else (invented text) fails the test.
 */
function quotes(value: unknown): { speaker: string; quote: string }[] {
  const out: { speaker: string; quote: string }[] = [];
  for (const text of strings(value)) {
    for (const rawLine of text.split("\n")) {
      const line = rawLine.trim();
      if (!line || line === NOT_DISCUSSED) continue;
      const m = /^(?:- )?\*\*((?:\\.|[^*\\])+):\*\* (.+)$/.exec(line);
      expect(m, `not an attributed quote: ${line}`).not.toBeNull();
      const speaker = m![1].replace(/\\(.)/g, "$1");
      for (const quote of m![2].split(" … ")) out.push({ speaker, quote });
    }
  }
  return out;
}

function expectVerbatim(segments: TranscriptSegment[], summary: unknown) {
  const found = quotes(summary);
  expect(found.length).toBeGreaterThan(0);
  for (const { speaker, quote } of found) {
    const own = segments.filter((s) => s.displayName === speaker);
    expect(own.length, `unknown speaker ${speaker}`).toBeGreaterThan(0);
    expect(own.some((s) => s.text.includes(quote)), `not said by ${speaker}: ${quote}`).toBe(true);
  }
}

function speakersWithWords(segments: TranscriptSegment[], min: number): string[] {
  const words = new Map<string, number>();
  for (const s of segments) words.set(s.displayName, (words.get(s.displayName) ?? 0) + s.text.split(/\s+/).length);
  return [...words].filter(([, n]) => n >= min).map(([name]) => name);
}

const summarize = (segments: TranscriptSegment[], template: SummaryTemplate, language = "en") =>
  summarizeExtractively({ segments, template, language });

describe("extractive summarizer", () => {
  for (const [name, segments] of Object.entries(FIXTURES)) {
    for (const template of SUMMARY_TEMPLATES) {
      it(`${name} / ${template}: template shape, verbatim quotes, every substantial speaker`, () => {
        const summary = summarize(segments, template);
        expect(summaryContentSchemas[template].safeParse(summary).success).toBe(true);
        expectVerbatim(segments, summary);
        const overview = quotes(summary.summary).map((q) => q.speaker);
        for (const speaker of speakersWithWords(segments, 25)) expect(overview).toContain(speaker);
      });
    }
  }

  it("covers the meeting's four participants and leaves out the guest who only greeted", () => {
    expect(speakersWithWords(meetingTranscript, 25).sort()).toEqual(["Ana Costa", "Ben", "Chloé", "Dmitri"]);
    const speakers = new Set(quotes(summarize(meetingTranscript, "General Bulleted")).map((q) => q.speaker));
    expect(speakers).toEqual(new Set(["Ana Costa", "Ben", "Chloé", "Dmitri"]));
  });

  it("writes bullets for General Bulleted and paragraphs for General Narrative", () => {
    const bulleted = summarize(meetingTranscript, "General Bulleted").summary.split("\n");
    expect(bulleted.every((line) => line.startsWith("- **"))).toBe(true);
    const narrative = summarize(meetingTranscript, "General Narrative").summary;
    expect(narrative).toContain("\n\n");
    expect(narrative.split("\n\n").every((p) => p.startsWith("**"))).toBe(true);
  });

  it("routes a doctor visit into SOAP sections", () => {
    const { SOAP } = summarize(doctorVisitTranscript, "SOAP") as { SOAP: Record<string, string> };
    expect(SOAP.subjective).toContain("bad cough");
    expect(SOAP.subjective).toContain("**Maria Lopez:**");
    expect(SOAP.objective).toContain("128 over 84");
    expect(SOAP.assessment).toContain("sinusitis");
    expect(SOAP.plan).toContain("doxycycline");
  });

  it("routes a doctor visit into Extended SOAP sections", () => {
    const { extended_SOAP: e } = summarize(doctorVisitTranscript, "Extended SOAP") as { extended_SOAP: Record<string, string> };
    expect(e.chief_complaint).toContain("bad cough");
    expect(e.medications).toContain("lisinopril 10 mg");
    expect(e.allergies).toContain("allergic to penicillin");
    expect(e.objective).toContain("tenderness over the left maxillary sinus");
    expect(e.assessment).toContain("sinusitis");
    expect(e.plan).toContain("follow-up in two weeks");
    // Questions are not findings: the doctor's "Any allergies to medications?" stays out.
    expect(Object.values(e).join("\n")).not.toContain("Any allergies to medications?");
  });

  it('says "Not discussed." for SOAP sections a non-medical conversation lacks', () => {
    const { extended_SOAP: e } = summarize(meetingTranscript, "Extended SOAP") as { extended_SOAP: Record<string, string> };
    expect(e.allergies).toBe(NOT_DISCUSSED);
    expect(e.medications).toBe(NOT_DISCUSSED);
  });

  it("finds a lecture's questions and assignments", () => {
    const { lecture } = summarize(lectureTranscript, "Educational Lecture") as { lecture: Record<string, string[]> };
    expect(lecture.questions.map((q) => q.split(":** ")[0])).toEqual(["**Jonas", "**Aisha", "**Leo", "**Aisha"]);
    expect(lecture.assignments.join("\n")).toContain("complete problem set three");
    expect(lecture.assignments.join("\n")).toContain("The midterm is on the twentieth");
    expect(lecture.topics.join("\n")).toContain("price ceilings");
    expect(lecture.key_points.length).toBeGreaterThanOrEqual(3);
  });

  it("finds a tutoring session's difficulties, progress and next steps", () => {
    const { tutoring } = summarize(tutoringTranscript, "Educational Tutoring") as { tutoring: Record<string, string[]> };
    expect(tutoring.difficulties.join("\n")).toContain("I don't understand");
    expect(tutoring.progress.join("\n")).toContain("you've got it");
    expect(tutoring.next_steps.join("\n")).toContain("page forty-two");
    expect(tutoring.questions.every((q) => q.startsWith("**Noah:**"))).toBe(true);
  });

  it("summarizes an hour-long meeting within the template and covers all six speakers", () => {
    const long = makeLongTranscript(60);
    const words = long.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
    expect(words).toBeGreaterThanOrEqual(9000);
    for (const template of SUMMARY_TEMPLATES) {
      const summary = summarize(long, template);
      expect(summaryContentSchemas[template].safeParse(summary).success).toBe(true);
      expectVerbatim(long, summary);
    }
    const speakers = new Set(quotes(summarize(long, "General Bulleted").summary).map((q) => q.speaker));
    expect(speakers.size).toBe(6);
  });

  it("works in other languages, including unspaced scripts", () => {
    const french = buildTranscript([
      ["Léa", "Bonjour à tous. Nous devons décider du budget pour la refonte du site avant la fin du mois."],
      ["Hugo", "Le budget actuel ne couvre que la moitié des pages, donc il faut réduire le périmètre ou demander plus."],
      ["Léa", "Alors nous demandons une rallonge au comité et nous gardons toutes les pages dans le projet."],
    ]);
    const fr = summarize(french, "General Bulleted", "fr");
    expectVerbatim(french, fr);
    expect(new Set(quotes(fr).map((q) => q.speaker))).toEqual(new Set(["Léa", "Hugo"]));

    const chinese = buildTranscript([
      ["王芳", "我们今天讨论新产品的预算。财务部门已经批准了四万元的预算。"],
      ["李雷", "四万元不够设计团队用八个星期。我们需要减少范围或者推迟上线时间。"],
    ]);
    const zh = summarize(chinese, "General Narrative", "zh");
    expectVerbatim(chinese, zh);
  });

  it("says a meeting of a few remarks is too short to summarize, instead of failing or repeating it", () => {
    const tiny = buildTranscript([["Ana", "Hello."], ["Ben", "Hi there."]]);
    const summary = summarize(tiny, "SOAP") as { summary: string; SOAP: Record<string, string> };
    expect(summaryContentSchemas.SOAP.safeParse(summary).success).toBe(true);
    expect(summary.summary).toBe(tooShortMessage(2));
    expect(summary.SOAP.plan).toBe(NOT_DISCUSSED);
  });

  it("is shorter than a short meeting: a few of its six lines, not five of them", () => {
    const six = buildTranscript([
      ["Ana", "Good morning everyone and thanks for joining the budget review today."],
      ["Ben", "The marketing budget for next quarter is forty thousand dollars in total."],
      ["Ana", "We need to cut the design contract by ten percent to stay within it."],
      ["Ben", "I will send the revised spreadsheet to finance by Friday afternoon."],
      ["Ana", "Please also ask legal to review the new vendor agreement this week."],
      ["Ben", "Sounds good, I will set up a follow-up meeting for next Tuesday."],
    ]);
    for (const template of ["General Bulleted", "General Narrative"] as const) {
      const summary = summarize(six, template).summary;
      const picked = quotes(summary).length;
      expect(picked, `${template}: ${summary}`).toBeGreaterThan(0);
      expect(picked, `${template}: ${summary}`).toBeLessThanOrEqual(2);
      expect(summary.length).toBeLessThan(six.map((s) => s.text).join(" ").length / 2);
    }
  });

  it("escapes display names so they cannot inject Markdown or HTML", () => {
    const segments = buildTranscript([
      [
        "<img src=x>**Eve**",
        "The quarterly numbers are final and the board approved the hiring plan for next year. We start recruiting engineers in March. Offers go out in April after the interviews. The budget covers six new roles.",
      ],
    ]);
    const summary = summarize(segments, "General Bulleted").summary;
    // Every < and * of the name is backslash-escaped, so Markdown shows them as text.
    expect(summary).not.toMatch(/(^|[^\\])<img/);
    expect(summary.startsWith("- **\\<img src=x\\>\\*\\*Eve\\*\\*:** ")).toBe(true);
    expect(summary).toContain(escapeMarkdownName("<img src=x>**Eve**"));
    expectVerbatim(segments, summary);
  });

  it("fails with a clear error for an empty transcript", async () => {
    const engine = createExtractiveEngine();
    for (const segments of [[], buildTranscript([["Ana", "   "]])]) {
      const error = await engine.summarize({ segments, template: "SOAP", language: "en" }).catch((e) => e);
      expect(error).toBeInstanceOf(SummaryEngineError);
      expect(error.code).toBe("empty_transcript");
    }
  });

  it("rejects an unknown template and malformed segments", async () => {
    const engine = createExtractiveEngine();
    const badTemplate = await engine
      .summarize({ segments: meetingTranscript, template: "Haiku" as SummaryTemplate, language: "en" })
      .catch((e) => e);
    expect(badTemplate).toBeInstanceOf(SummaryEngineError);
    expect(badTemplate.code).toBe("invalid_input");
    expect(badTemplate.message).toContain("template");

    const badSegment = await engine
      .summarize({ segments: [{ participantId: "a", displayName: "Ana", startMs: -1, endMs: 0, text: 5 as unknown as string }], template: "SOAP", language: "en" })
      .catch((e) => e);
    expect(badSegment.code).toBe("invalid_input");
  });

  it("returns the engine id and template, and honours an aborted signal", async () => {
    const engine = createExtractiveEngine();
    const result = await engine.summarize({ segments: meetingTranscript, template: "General Narrative", language: "en" });
    expect(result).toMatchObject({ engine: "extractive", template: "General Narrative" });
    const aborted = await engine
      .summarize({ segments: meetingTranscript, template: "SOAP", language: "en" }, { signal: AbortSignal.abort() })
      .catch((e) => e);
    expect(aborted.code).toBe("aborted");
  });
});

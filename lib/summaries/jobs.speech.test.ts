// The summary job on a transcript recognized from real speech (flite voices → PocketSphinx), stored as the pipeline stores segments.
import { beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { summaries } from "@/lib/db/schema";
import type { Actor } from "@/lib/actor";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { composeSpeech, type FliteVoice } from "@/lib/testing/speech";
import { createExtractiveEngine, SUBSTANTIAL_SPEAKER_WORDS } from "@/lib/summaries/engines/extractive";
import type { TranscriptSegment } from "@/lib/summaries/engines/types";
import { SUMMARY_TEMPLATES, summaryContentSchemas, NOT_DISCUSSED } from "@/lib/summaries/templates";
import { runPendingSummaries } from "./jobs";
import { requestSummary } from "./service";
import { createTestAccount, seedTranscription } from "./service-test-fixtures";

// Sentences PocketSphinx's generic model hears well from flite voices; each speaker says enough to count as substantial.
const SPEAKERS: { participantId: string; displayName: string; voice: FliteVoice; lines: string[] }[] = [
  {
    participantId: "p-ana",
    displayName: "Ana <b>*Costa*</b>",
    voice: "slt",
    lines: [
      "The weather today is sunny and warm.",
      "We need three more people for the project.",
      "The budget for the new office is too small.",
      "I will call the bank on Monday morning.",
      "Our customers want the report every week.",
    ],
  },
  {
    participantId: "p-ben",
    displayName: "Ben",
    voice: "rms",
    lines: [
      "Please send me the report by Friday.",
      "The new computer system works very well.",
      "I think we should hire two people this month.",
      "The train to the city was late again today.",
      "Let us meet again next Tuesday afternoon.",
    ],
  },
];

/** Each speaker's track recognized by PocketSphinx: only final segments, as the pipeline keeps them. */
async function recognizeTracks(): Promise<TranscriptSegment[]> {
  const engine = createPocketSphinxEngine();
  const segments: TranscriptSegment[] = [];
  for (const [i, speaker] of SPEAKERS.entries()) {
    const speech = await composeSpeech(speaker.lines.map((text) => ({ text, voice: speaker.voice, pauseAfterMs: 1200 })));
    const stream = engine.open({ language: "en" });
    const finals: { startMs: number; endMs: number; text: string }[] = [];
    const errors: Error[] = [];
    stream.onSegment((s) => s.final && s.text.trim() && finals.push(s));
    stream.onError((e) => errors.push(e));
    const chunk = pcmBytesForMs(100);
    for (let at = 0; at < speech.pcm.length; at += chunk) await stream.write(speech.pcm.subarray(at, at + chunk));
    await stream.end();
    expect(errors).toEqual([]);
    // The second track starts a little after the first, so the transcript interleaves both speakers.
    for (const s of finals) segments.push({ participantId: speaker.participantId, displayName: speaker.displayName, startMs: s.startMs + i * 700, endMs: s.endMs + i * 700, text: s.text });
  }
  return segments.sort((a, b) => a.startMs - b.startMs);
}

/** Every string in a summary, wherever the template puts it. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The `**Name:** quote` lines of a summary; anything else (invented text) fails. */
function quotes(value: unknown): { speaker: string; quote: string }[] {
  const out: { speaker: string; quote: string }[] = [];
  for (const text of strings(value)) {
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line || line === NOT_DISCUSSED) continue;
      const m = /^(?:- )?\*\*((?:\\.|[^*\\])+):\*\* (.+)$/.exec(line);
      expect(m, `not an attributed quote: ${line}`).not.toBeNull();
      for (const quote of m![2].split(" … ")) out.push({ speaker: m![1].replace(/\\(.)/g, "$1"), quote });
    }
  }
  return out;
}

let recognized: Promise<TranscriptSegment[]> | undefined;

describeEachDatabase("summary job on recognized speech", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let segments: TranscriptSegment[];

  beforeAll(async () => {
    ({ admin } = await createTestAccount(db()));
    recognized ??= recognizeTracks();
    segments = await recognized;
  }, 180_000);

  it("quotes only what each speaker said, covers both speakers, and fits every template", async () => {
    // The premise: recognition gave each speaker a substantial share of words.
    for (const speaker of SPEAKERS) {
      const words = segments.filter((s) => s.participantId === speaker.participantId).flatMap((s) => s.text.split(/\s+/).filter(Boolean));
      expect(words.length, `${speaker.displayName}: ${words.join(" ")}`).toBeGreaterThanOrEqual(SUBSTANTIAL_SPEAKER_WORDS);
    }
    const ids: Record<string, string> = {};
    for (const template of SUMMARY_TEMPLATES) {
      const t = await seedTranscription(db(), admin.accountId, { segments, storageType: template === "SOAP" ? "SELF_HOSTED" : "HOSTED" });
      ids[template] = (await requestSummary(db(), admin, { transcriptionId: t.id, template })).summaryId;
    }
    expect(await runPendingSummaries(db(), { engine: createExtractiveEngine() })).toBe(SUMMARY_TEMPLATES.length);

    for (const template of SUMMARY_TEMPLATES) {
      const [row] = await db().select().from(summaries).where(eq(summaries.id, ids[template]));
      expect(row.state, `${template}: ${row.error}`).toBe("ready");
      expect(summaryContentSchemas[template].safeParse(row.summary).success, template).toBe(true);
      const found = quotes(row.summary);
      expect(found.length, template).toBeGreaterThan(0);
      for (const { speaker, quote } of found) {
        const own = segments.filter((s) => s.displayName === speaker);
        expect(own.length, `unknown speaker ${speaker}`).toBeGreaterThan(0);
        expect(own.some((s) => s.text.includes(quote)), `${template}: not said by ${speaker}: ${quote}`).toBe(true);
      }
      // The overview names both substantial speakers; the markup in a name stays escaped, never raw HTML.
      const overview = (row.summary as { summary: string }).summary;
      expect(overview, template).toContain("**Ana \\<b\\>\\*Costa\\*\\</b\\>:**");
      expect(overview, template).toContain("**Ben:**");
    }
  });
});

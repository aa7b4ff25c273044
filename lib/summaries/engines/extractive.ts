// The embedded summarizer: picks the transcript's most representative sentences, verbatim and attributed, into a template's sections.
import { transcriptSentences, type TranscriptSentence } from "@/lib/summaries/sentences";
import { rankSentences, sentenceSimilarity, type RankedSentence } from "@/lib/summaries/engines/sentence-rank";
import {
  NOT_DISCUSSED,
  checkSummaryContent,
  type SummaryContent,
  type SummaryTemplate,
} from "@/lib/summaries/templates";
import {
  SummaryEngineError,
  parseSummaryInput,
  throwIfAborted,
  type SummaryEngine,
  type SummaryInput,
  type SummaryResult,
  type TranscriptSegment,
} from "@/lib/summaries/engines/types";

/** A speaker with at least this many words gets at least one sentence in the summary. */
export const SUBSTANTIAL_SPEAKER_WORDS = 25;
/** Above this similarity a candidate repeats a sentence already picked. */
const REDUNDANCY = 0.55;

export interface ExtractiveOptions {
  /** Upper bound on overview bullets before speaker coverage is added (default 12). */
  maxOverviewSentences?: number;
}

export function createExtractiveEngine(options: ExtractiveOptions = {}): SummaryEngine {
  return {
    id: "extractive",
    label: "Embedded extractive summarizer",
    async summarize(input, { signal } = {}): Promise<SummaryResult> {
      throwIfAborted(signal);
      const parsed = parseSummaryInput(input);
      const summary = summarizeExtractively(parsed, options);
      throwIfAborted(signal);
      return { template: parsed.template, engine: "extractive", summary };
    },
  };
}

/** Below this many sentences there is nothing to condense: the summary says so instead of repeating the meeting. */
export const MIN_SENTENCES_TO_SUMMARIZE = 4;

export function tooShortMessage(sentences: number): string {
  return `This meeting is too short to summarize: ${sentences === 1 ? "one sentence was" : `${sentences} sentences were`} said. Read the transcript instead.`;
}

/** Synchronous core of the extractive engine, validated against the template. */
export function summarizeExtractively(input: SummaryInput, options: ExtractiveOptions = {}): SummaryContent {
  const segments = input.segments.filter((s) => s.text.trim());
  if (segments.length === 0) {
    throw new SummaryEngineError("empty_transcript", "The transcript has no speech to summarize");
  }
  const ranked = rankSentences(transcriptSentences(segments), input.language);
  const ctx = new Context(ranked, segments, options.maxOverviewSentences ?? 12);
  const spoken = ranked.filter((r) => r.words > 0).length;
  const built = buildSections(input.template, ctx);
  const content = spoken < MIN_SENTENCES_TO_SUMMARIZE ? { ...built, summary: tooShortMessage(spoken) } : built;
  const check = checkSummaryContent(input.template, content);
  if (!check.ok) {
    // A bug here, not bad input: the builder and the schema disagree.
    throw new Error(`Extractive summary does not match ${input.template}: ${JSON.stringify(check.issues)}`);
  }
  return check.content;
}

/** Speakers whose share of the talk makes leaving them out of a summary wrong. */
export function substantialSpeakers(segments: readonly TranscriptSegment[]): string[] {
  const words = new Map<string, number>();
  for (const s of segments) {
    words.set(s.participantId, (words.get(s.participantId) ?? 0) + s.text.split(/\s+/).filter(Boolean).length);
  }
  return [...words].filter(([, count]) => count >= SUBSTANTIAL_SPEAKER_WORDS).map(([id]) => id);
}

class Context {
  readonly byScore: RankedSentence[];
  readonly overviewSize: number;
  constructor(
    readonly ranked: RankedSentence[],
    readonly segments: readonly TranscriptSegment[],
    maxOverview: number,
  ) {
    this.byScore = [...ranked].sort((a, b) => b.score - a.score || a.sentence.index - b.sentence.index);
    const eligible = ranked.filter((r) => r.eligible).length;
    // A summary is shorter than what it summarizes: at most a third of the sentences said, and fewer as meetings grow.
    const spoken = ranked.filter((r) => r.words > 0).length;
    this.overviewSize = Math.max(1, Math.min(maxOverview, Math.round(3 + Math.sqrt(eligible)), Math.floor(spoken / 3)));
  }

  /** The speaker who says the most cue words of a kind (the clinician, the tutor), when there are several speakers. */
  leadSpeaker(cues: RegExp[]): string | undefined {
    const hits = new Map<string, number>();
    for (const r of this.ranked) {
      const n = cueHits(r.sentence.text, cues);
      if (n) hits.set(r.sentence.participantId, (hits.get(r.sentence.participantId) ?? 0) + n);
    }
    if (new Set(this.segments.map((s) => s.participantId)).size < 2) return undefined;
    return [...hits].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  /** The most words spoken by one participant: the lecturer or tutor. */
  mostTalkative(): string | undefined {
    const words = new Map<string, number>();
    for (const r of this.ranked) words.set(r.sentence.participantId, (words.get(r.sentence.participantId) ?? 0) + r.words);
    return [...words].sort((a, b) => b[1] - a[1])[0]?.[0];
  }
}

/**
 * Picks up to `count` high-scoring, non-repetitive sentences; with `coverSpeakers`, then adds the best sentence of each
 * substantial speaker still missing. Returned in speaking order.
 */
function pickOverview(ctx: Context, count: number, exclude: Set<number> = new Set()): RankedSentence[] {
  let pool = ctx.byScore.filter((r) => r.eligible && !exclude.has(r.sentence.index));
  // A transcript of short remarks only still deserves a summary.
  if (pool.length === 0) pool = ctx.byScore.filter((r) => r.words > 0 && !exclude.has(r.sentence.index));
  const picked = pickDiverse(pool, count, []);
  for (const speaker of substantialSpeakers(ctx.segments)) {
    if (picked.some((r) => r.sentence.participantId === speaker)) continue;
    const own = ctx.byScore.filter((r) => r.sentence.participantId === speaker && !exclude.has(r.sentence.index));
    const best = own.find((r) => r.eligible) ?? own.find((r) => r.words > 0);
    if (best) picked.push(best);
  }
  return chronological(picked);
}

function pickDiverse(pool: RankedSentence[], count: number, already: RankedSentence[]): RankedSentence[] {
  const picked: RankedSentence[] = [];
  for (const r of pool) {
    if (picked.length >= count) break;
    if ([...already, ...picked].some((p) => sentenceSimilarity(p, r) > REDUNDANCY)) continue;
    picked.push(r);
  }
  return picked;
}

function chronological(list: RankedSentence[]): RankedSentence[] {
  return [...list].sort((a, b) => a.sentence.index - b.sentence.index);
}

// Display names are user input: escaped so that no name can inject Markdown (the transcript file does the same).
export function escapeMarkdownName(name: string): string {
  return name.replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, (c) => `\\${c}`).replace(/\s+/g, " ").trim() || "Unknown";
}

function attributed(s: TranscriptSentence, text = s.text): string {
  return `**${escapeMarkdownName(s.displayName)}:** ${text}`;
}

function bullets(list: RankedSentence[]): string {
  return list.map((r) => `- ${attributed(r.sentence)}`).join("\n");
}

/** Paragraphs of consecutive sentences by one speaker; a gap in the transcript is marked with an ellipsis. */
function narrative(list: RankedSentence[], segments: readonly TranscriptSegment[]): string {
  const paragraphs: string[] = [];
  let current: TranscriptSentence[] = [];
  const flush = () => {
    if (!current.length) return;
    let text = current[0].text;
    for (let i = 1; i < current.length; i++) {
      const prev = current[i - 1];
      const s = current[i];
      if (s.index === prev.index + 1 && s.segmentIndex === prev.segmentIndex) {
        // Neighbours are quoted with what lies between them, so the paragraph stays verbatim.
        text += segments[s.segmentIndex].text.slice(prev.offset + prev.text.length, s.offset) + s.text;
      } else {
        text += ` … ${s.text}`;
      }
    }
    paragraphs.push(attributed(current[0], text));
    current = [];
  };
  for (const r of list) {
    if (current.length && current[0].participantId !== r.sentence.participantId) flush();
    current.push(r.sentence);
  }
  flush();
  return paragraphs.join("\n\n");
}

function cueHits(text: string, cues: RegExp[]): number {
  let hits = 0;
  for (const cue of cues) if (cue.test(text)) hits++;
  return hits;
}

type CueTable = Record<string, RegExp[]>;

const CUES = {
  chief_complaint: [/\bbrings? you\b/i, /\bwhat brings\b/i, /\b(came|come|coming) in (for|because|today)\b/i, /\bhere (for|because|about)\b/i, /\bmain (concern|problem|reason)\b/i, /\b(i'?ve|i have) been having\b/i],
  subjective: [/\b(i|i'?ve|i'?m|my|me)\b.*\b(feel|felt|pain|hurts?|ache|aching|sore|dizzy|nause|vomit|cough|fever|tired|sleep|headache|since|started|worse|better|weeks?|days?|months?)\b/i, /\b(symptoms?|history of)\b/i],
  medications: [/\b\d+\s?(mg|milligrams?|mcg|ml|units?)\b/i, /\b(medications?|medicines?|pills?|tablets?|dose|doses|dosage|taking|prescriptions?|inhaler|insulin|ibuprofen|paracetamol|acetaminophen|aspirin|metformin|lisinopril|amoxicillin|antibiotics?)\b/i],
  allergies: [/\ballerg/i, /\b(reaction|hives|anaphyla)/i],
  objective: [/\bblood pressure\b/i, /\b(temperature|pulse|heart rate|oxygen|saturation|respirat|weight|bmi)\b/i, /\b(exam|examin|listen(ing)? to|lungs?|auscult|palpat|tender|swollen|swelling|redness|rash on|looks? (red|normal|clear|swollen|inflamed))/i, /\b(results?|labs?|blood (test|work)|x-?ray|scan|ecg|ekg|a1c)\b/i, /\b\d+ over \d+\b/, /\b\d+(\.\d+)? degrees\b/i],
  assessment: [/\b(diagnos|assessment|impression)/i, /\b(likely|probably|most likely|consistent with|suggests?|looks like (a|an|it'?s)|i think (it'?s|this is|you have)|rule out)\b/i, /\b(infection|sinusitis|bronchitis|hypertension|diabetes|strain|sprain|migraine|viral|bacterial)\b/i],
  plan: [/\b(i'?ll|i will|we'?ll|we will|let'?s|going to) (prescribe|start|order|refer|schedule|check|send|increase|decrease|stop|switch|recheck|see you)/i, /\b(prescribe|follow[- ]?up|come back|referr?al|refer you|in (two|three|four|\d+) (days|weeks|months)|recommend|should (take|try|avoid|rest|drink|keep)|plan)\b/i],
} satisfies CueTable;

const PATIENT_CUES = [...CUES.subjective, ...CUES.allergies];

const LECTURE_CUES = {
  topics: [/\b(today|this (lecture|class|session)) (we|i)\b/i, /\b(topics?|chapter|section)\b/i, /\b(we'?ll|we will|let'?s|i'?ll|i want to) (talk|look|cover|discuss|move|turn|start|begin|introduce)\b/i, /\b(moving on|next (topic|part|thing|idea))\b/i],
  assignments: [/\b(homework|assignment|problem set|exercises?|readings?|essay|project|lab report)\b/i, /\bread (chapter|section|pages?)\b/i, /\b(due|deadline|submit|hand in|turn in)\b/i, /\b(exam|quiz|midterm|final|test) (is|will be|on|next)\b/i, /\bfor next (week|class|lecture|time)\b/i],
  key_points: [/\b(important|key|remember|crucial|essential|fundamental|main idea|the point is|in other words|the reason|because|means that|note that|definition|defined as)\b/i],
} satisfies CueTable;

const TUTORING_CUES = {
  topics: [/\b(today|this session) (we|i)\b/i, /\b(work(ing)? on|practi[cs]e|let'?s (try|look|do|go over|review)|go over|review)\b/i, /\b(topic|chapter|equation|problem|exercise|essay|grammar|vocabulary)\b/i],
  difficulties: [/\b(don'?t (understand|get)|didn'?t (understand|get)|confus|stuck|hard|difficult|struggl|not sure|mistake|wrong|forgot|lost me|tricky|trouble|mixed up)\b/i],
  progress: [/\b(good job|well done|great|exactly|correct|that'?s right|nice work|perfect|much better|improv|you'?ve got it|got it|makes sense|now i (see|get|understand))\b/i],
  next_steps: [/\b(next (time|session|week)|homework|before (our|the) next|for next|practi[cs]e (these|this|more)|work on|try (these|to)|review (these|this|chapter)|by (monday|tuesday|wednesday|thursday|friday|the weekend))\b/i],
} satisfies CueTable;

const isStatement = (r: RankedSentence) => !isQuestion(r) && !/[?？]\s*$/.test(r.sentence.text);

interface RouteRule {
  cues: RegExp[];
  max: number;
  /** Only sentences of (or, when `exclude`, not of) this speaker. */
  speaker?: { id: string | undefined; exclude?: boolean };
  /** Extra filter, e.g. questions only. */
  accept?: (r: RankedSentence) => boolean;
}

/**
 * Routes each sentence to the section whose cues it matches most (earlier sections win ties), then keeps each
 * section's best few by centrality, in speaking order.
 */
function routeSections<K extends string>(ctx: Context, rules: Record<K, RouteRule>): Record<K, RankedSentence[]> {
  const keys = Object.keys(rules) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as RankedSentence[]])) as Record<K, RankedSentence[]>;
  for (const r of ctx.byScore) {
    if (r.words < 4) continue;
    let bestKey: K | undefined;
    let bestHits = 0;
    for (const key of keys) {
      const rule = rules[key];
      if (rule.speaker?.id !== undefined) {
        const mine = r.sentence.participantId === rule.speaker.id;
        if (mine === Boolean(rule.speaker.exclude)) continue;
      }
      if (rule.accept && !rule.accept(r)) continue;
      const hits = rule.accept && rule.cues.length === 0 ? 1 : cueHits(r.sentence.text, rule.cues);
      if (hits > bestHits) {
        bestHits = hits;
        bestKey = key;
      }
    }
    if (bestKey === undefined) continue;
    const section = out[bestKey];
    if (section.length >= rules[bestKey].max) continue;
    if (section.some((p) => sentenceSimilarity(p, r) > REDUNDANCY)) continue;
    section.push(r);
  }
  for (const key of keys) out[key] = chronological(out[key]);
  return out;
}

const isQuestion = (r: RankedSentence) => /[?？]\s*$|^¿/.test(r.sentence.text) && r.words >= 4;

function sectionText(list: RankedSentence[]): string {
  return list.length ? bullets(list) : NOT_DISCUSSED;
}

function listItems(list: RankedSentence[]): string[] {
  return list.map((r) => attributed(r.sentence));
}

function usedIndexes(...lists: RankedSentence[][]): Set<number> {
  return new Set(lists.flat().map((r) => r.sentence.index));
}

function buildSections(template: SummaryTemplate, ctx: Context): SummaryContent {
  switch (template) {
    case "General Bulleted":
      return { summary: bullets(pickOverview(ctx, ctx.overviewSize)) };
    case "General Narrative":
      return { summary: narrative(pickOverview(ctx, ctx.overviewSize), ctx.segments) };
    case "SOAP":
    case "Extended SOAP": {
      // The patient is who reports symptoms; everyone else (doctor, nurse) gives findings and plans.
      const patient = ctx.leadSpeaker(PATIENT_CUES);
      const patientSide = { id: patient };
      const clinicianSide = { id: patient, exclude: true };
      const summary = bullets(pickOverview(ctx, Math.min(ctx.overviewSize, 6)));
      if (template === "SOAP") {
        const s = routeSections(ctx, {
          subjective: { cues: [...CUES.chief_complaint, ...CUES.subjective, ...CUES.allergies], max: 5, speaker: patientSide, accept: isStatement },
          // Plan before objective: "come back if the swelling gets worse" is a plan, not a finding.
          plan: { cues: [...CUES.plan, ...CUES.medications], max: 5, speaker: clinicianSide, accept: isStatement },
          assessment: { cues: CUES.assessment, max: 3, speaker: clinicianSide, accept: isStatement },
          objective: { cues: CUES.objective, max: 4, speaker: clinicianSide, accept: isStatement },
        });
        return {
          summary,
          SOAP: {
            subjective: sectionText(s.subjective),
            objective: sectionText(s.objective),
            assessment: sectionText(s.assessment),
            plan: sectionText(s.plan),
          },
        };
      }
      const s = routeSections(ctx, {
        allergies: { cues: CUES.allergies, max: 3, accept: isStatement },
        medications: { cues: CUES.medications, max: 4, accept: isStatement },
        chief_complaint: { cues: CUES.chief_complaint, max: 2, speaker: patientSide, accept: isStatement },
        subjective: { cues: CUES.subjective, max: 5, speaker: patientSide, accept: isStatement },
        plan: { cues: CUES.plan, max: 5, speaker: clinicianSide, accept: isStatement },
        assessment: { cues: CUES.assessment, max: 3, speaker: clinicianSide, accept: isStatement },
        objective: { cues: CUES.objective, max: 4, speaker: clinicianSide, accept: isStatement },
      });
      // Without an explicit "what brings you in", the patient's first central complaint stands in.
      if (!s.chief_complaint.length && s.subjective.length) s.chief_complaint = [s.subjective[0]];
      return {
        summary,
        extended_SOAP: {
          chief_complaint: sectionText(s.chief_complaint),
          subjective: sectionText(s.subjective),
          medications: sectionText(s.medications),
          allergies: sectionText(s.allergies),
          objective: sectionText(s.objective),
          assessment: sectionText(s.assessment),
          plan: sectionText(s.plan),
        },
      };
    }
    case "Educational Lecture": {
      const lecturer = ctx.mostTalkative();
      const s = routeSections(ctx, {
        questions: { cues: [], max: 6, accept: isQuestion },
        assignments: { cues: LECTURE_CUES.assignments, max: 5 },
        topics: { cues: LECTURE_CUES.topics, max: 6, speaker: { id: lecturer } },
        key_points: { cues: LECTURE_CUES.key_points, max: 6, speaker: { id: lecturer } },
      });
      // Central sentences make key points even without a cue word.
      if (s.key_points.length < 3) {
        const taken = usedIndexes(s.questions, s.assignments, s.topics, s.key_points);
        const extra = pickDiverse(
          ctx.byScore.filter((r) => r.eligible && !taken.has(r.sentence.index) && !isQuestion(r)),
          3 - s.key_points.length,
          s.key_points,
        );
        s.key_points = chronological([...s.key_points, ...extra]);
      }
      return {
        summary: bullets(pickOverview(ctx, Math.min(ctx.overviewSize, 8))),
        lecture: {
          topics: listItems(s.topics),
          key_points: listItems(s.key_points),
          questions: listItems(s.questions),
          assignments: listItems(s.assignments),
        },
      };
    }
    case "Educational Tutoring": {
      const tutor = ctx.mostTalkative();
      const s = routeSections(ctx, {
        questions: { cues: [], max: 6, accept: isQuestion, speaker: { id: tutor, exclude: true } },
        difficulties: { cues: TUTORING_CUES.difficulties, max: 5 },
        next_steps: { cues: TUTORING_CUES.next_steps, max: 4 },
        progress: { cues: TUTORING_CUES.progress, max: 4 },
        topics: { cues: TUTORING_CUES.topics, max: 5 },
      });
      return {
        summary: bullets(pickOverview(ctx, Math.min(ctx.overviewSize, 8))),
        tutoring: {
          topics: listItems(s.topics),
          questions: listItems(s.questions),
          difficulties: listItems(s.difficulties),
          progress: listItems(s.progress),
          next_steps: listItems(s.next_steps),
        },
      };
    }
  }
}

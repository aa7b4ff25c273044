// Splits transcript text into verbatim sentences and content-word tokens, for the extractive summarizer.
import type { TranscriptSegment } from "@/lib/transcripts/render";

/** One sentence of a transcript, cut verbatim out of one segment's text. */
export interface TranscriptSentence {
  /** Position in the whole transcript, in speaking order. */
  index: number;
  segmentIndex: number;
  participantId: string;
  displayName: string;
  startMs: number;
  text: string;
  /** Where the sentence sits in its segment's text, so neighbours can be told apart from gaps. */
  offset: number;
}

/** What sentence splitting reads of a transcript segment. */
export type SegmentLike = Pick<TranscriptSegment, "participantId" | "displayName" | "startMs" | "text">;

// Words after which a period does not end a sentence ("Dr. Silva", "e.g. this").
const ABBREVIATIONS = new Set([
  "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "eg", "ie", "approx", "dept",
  "fig", "no", "vol", "inc", "ltd", "co", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
  "sept", "oct", "nov", "dec", "mt", "ft", "min", "max", "cf", "al",
]);

/** Speech engines without punctuation (PocketSphinx) give long runs; cut them so a summary can quote parts. */
const MAX_UNPUNCTUATED_WORDS = 30;

/**
 * Splits text into sentences, each an exact substring of `text` (trimmed), with its offset.
 * Sentence ends: . ! ? … followed by a space, and CJK 。！？ anywhere.
 */
export function splitSentencesWithOffsets(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) for (const piece of cutLongRun(trimmed, start + lead)) out.push(piece);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "。" || ch === "！" || ch === "？") {
      push(i + 1);
      continue;
    }
    if (ch !== "." && ch !== "!" && ch !== "?" && ch !== "…") continue;
    // Keep runs such as "?!" or "..." together with the sentence they end.
    let end = i + 1;
    while (end < text.length && /[.!?…"'”’)\]]/.test(text[end])) end++;
    if (end < text.length && !/\s/.test(text[end])) {
      i = end - 1;
      continue; // "3.5", "example.com", "U.S.A" inside a word
    }
    if (ch === "." && endsWithAbbreviation(text.slice(start, i))) {
      i = end - 1;
      continue;
    }
    push(end);
    i = end - 1;
  }
  push(text.length);
  return out;
}

/** Splits text into verbatim sentences. */
export function splitSentences(text: string): string[] {
  return splitSentencesWithOffsets(text).map((s) => s.text);
}

function endsWithAbbreviation(before: string): boolean {
  const m = /(\S+)$/.exec(before);
  if (!m) return false;
  const word = m[1].toLowerCase().replace(/^[("'“‘]+/, "");
  // A single letter is an initial ("J. Smith"), unless it is the pronoun or article at a sentence's end.
  if (/^\p{L}$/u.test(word)) return word !== "i" && word !== "a";
  return ABBREVIATIONS.has(word);
}

function cutLongRun(sentence: string, offset: number): { text: string; offset: number }[] {
  const words = [...sentence.matchAll(/\S+/g)];
  if (words.length <= MAX_UNPUNCTUATED_WORDS * 1.5) return [{ text: sentence, offset }];
  const pieces = Math.ceil(words.length / MAX_UNPUNCTUATED_WORDS);
  const per = Math.ceil(words.length / pieces);
  const out: { text: string; offset: number }[] = [];
  for (let w = 0; w < words.length; w += per) {
    const first = words[w];
    const last = words[Math.min(w + per, words.length) - 1];
    const from = first.index!;
    const to = last.index! + last[0].length;
    out.push({ text: sentence.slice(from, to), offset: offset + from });
  }
  return out;
}

/** Every sentence of a transcript, in speaking order, attributed to its speaker. */
export function transcriptSentences(segments: readonly SegmentLike[]): TranscriptSentence[] {
  const out: TranscriptSentence[] = [];
  segments.forEach((segment, segmentIndex) => {
    for (const s of splitSentencesWithOffsets(segment.text)) {
      out.push({
        index: out.length,
        segmentIndex,
        participantId: segment.participantId,
        displayName: segment.displayName,
        startMs: segment.startMs,
        text: s.text,
        offset: s.offset,
      });
    }
  });
  return out;
}

// Scripts written without spaces between words: tokens become character bigrams.
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** Lower-cased word tokens of a sentence (character bigrams for Chinese, Japanese and Thai). */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
    const token = m[0].replace(/['’]s$/u, "");
    if (UNSPACED_SCRIPT.test(token) && token.length > 1) {
      const chars = [...token];
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    } else {
      out.push(token);
    }
  }
  return out;
}

const ENGLISH_STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below " +
    "between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few " +
    "for from further get gets getting got had hadn't has hasn't have haven't having he he'd he'll he's her here " +
    "here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just " +
    "let's like me more most mustn't my myself no nor not now of off oh ok okay on once only or other ought our ours " +
    "ourselves out over own really right same say said says shan't she she'd she'll she's should shouldn't so some " +
    "such than that that's the their theirs them themselves then there there's these they they'd they'll they're " +
    "they've this those through to too um uh under until up us very was wasn't we we'd we'll we're we've well were " +
    "weren't what what's when when's where where's which while who who's whom why why's will with won't would " +
    "wouldn't yeah yes you you'd you'll you're you've your yours yourself yourselves actually maybe going gonna " +
    "think know mean thing things lot kind sort one two hmm mhm hey hi hello thanks thank bit"
  ).split(" "),
);

/**
 * Tokens that carry meaning: stopwords dropped for English; for every language, very frequent terms are dropped
 * later by document frequency, which works without a word list.
 */
export function contentTokens(text: string, language: string): string[] {
  const english = language === "en" || language.startsWith("en-");
  return wordTokens(text).filter((t) => {
    if (english && ENGLISH_STOPWORDS.has(t.replace(/’/g, "'"))) return false;
    return t.length > 1 || /\p{N}/u.test(t);
  });
}

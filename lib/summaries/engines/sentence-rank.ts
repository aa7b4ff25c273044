// TextRank over transcript sentences: a sparse TF-IDF similarity graph and power iteration, near-linear in length.
import { contentTokens, type TranscriptSentence } from "@/lib/summaries/sentences";

export interface RankedSentence {
  sentence: TranscriptSentence;
  words: number;
  /** TF-IDF weights of the sentence's content terms. */
  vector: Map<string, number>;
  norm: number;
  /** Centrality times a length factor; higher is more representative. */
  score: number;
  /** Long enough to stand alone in a summary. */
  eligible: boolean;
}

const DAMPING = 0.85;
const MAX_ITERATIONS = 60;
const TOLERANCE = 1e-7;
/** Edges kept per sentence: bounds the graph at O(n·k) whatever the length. */
const NEIGHBOURS_PER_SENTENCE = 12;
/** Terms this common say little about which sentences belong together, and would make the graph quadratic. */
const MAX_POSTINGS_PER_TERM = 150;

/** Scores every sentence by how representative it is of the whole transcript. */
export function rankSentences(sentences: readonly TranscriptSentence[], language: string): RankedSentence[] {
  const n = sentences.length;
  const tokenLists = sentences.map((s) => contentTokens(s.text, language));

  const df = new Map<string, number>();
  for (const tokens of tokenLists) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  // Terms in more than a quarter of all sentences act as stopwords in any language.
  const tooCommon = n >= 20 ? n * 0.25 : Infinity;

  const ranked: RankedSentence[] = sentences.map((sentence, i) => {
    const tf = new Map<string, number>();
    for (const t of tokenLists[i]) if ((df.get(t) ?? 0) <= tooCommon) tf.set(t, (tf.get(t) ?? 0) + 1);
    const vector = new Map<string, number>();
    let sq = 0;
    for (const [t, count] of tf) {
      const w = (1 + Math.log(count)) * Math.log(1 + n / df.get(t)!);
      vector.set(t, w);
      sq += w * w;
    }
    const words = sentence.text.split(/\s+/).filter(Boolean).length;
    const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(sentence.text);
    const eligible = cjk ? vector.size >= 4 : words >= 4 && vector.size >= 2;
    return { sentence, words, vector, norm: Math.sqrt(sq), score: 0, eligible };
  });

  const postings = new Map<string, number[]>();
  ranked.forEach((r, i) => {
    for (const t of r.vector.keys()) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push(i);
    }
  });

  // Sparse cosine similarity through the inverted index, keeping each sentence's strongest neighbours.
  const edges: Map<number, number>[] = ranked.map(() => new Map());
  const dots = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = ranked[i];
    if (a.norm === 0) continue;
    dots.clear();
    for (const [t, w] of a.vector) {
      const list = postings.get(t)!;
      if (list.length > MAX_POSTINGS_PER_TERM) continue;
      for (const j of list) {
        if (j === i) continue;
        dots.set(j, (dots.get(j) ?? 0) + w * ranked[j].vector.get(t)!);
      }
    }
    const best = [...dots]
      .map(([j, dot]) => [j, dot / (a.norm * ranked[j].norm)] as const)
      .sort((x, y) => y[1] - x[1])
      .slice(0, NEIGHBOURS_PER_SENTENCE);
    for (const [j, sim] of best) {
      edges[i].set(j, sim);
      edges[j].set(i, sim);
    }
  }

  const outWeight = edges.map((e) => {
    let sum = 0;
    for (const w of e.values()) sum += w;
    return sum;
  });
  let rank = new Float64Array(n).fill(1 / Math.max(n, 1));
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    // Sentences without edges hand their rank back to everyone, so rank keeps summing to one.
    let dangling = 0;
    for (let j = 0; j < n; j++) if (outWeight[j] === 0) dangling += rank[j];
    const next = new Float64Array(n).fill((1 - DAMPING) / n + (DAMPING * dangling) / n);
    for (let j = 0; j < n; j++) {
      if (outWeight[j] === 0) continue;
      const share = (DAMPING * rank[j]) / outWeight[j];
      for (const [i, w] of edges[j]) next[i] += share * w;
    }
    let delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs(next[i] - rank[i]);
    rank = next;
    if (delta < TOLERANCE) break;
  }

  ranked.forEach((r, i) => {
    // Short remarks ("Sounds good to me.") can be central yet say little.
    const lengthFactor = Math.min(1, r.vector.size / 6) * (r.words > 60 ? 60 / r.words : 1);
    r.score = rank[i] * n * lengthFactor;
  });
  return ranked;
}

/** Cosine similarity of two ranked sentences' TF-IDF vectors. */
export function sentenceSimilarity(a: RankedSentence, b: RankedSentence): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.vector.size <= b.vector.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small.vector) {
    const other = large.vector.get(t);
    if (other !== undefined) dot += w * other;
  }
  return dot / (a.norm * b.norm);
}

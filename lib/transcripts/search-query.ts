// Turns what someone types into the search box into a safe prefix tsquery for the 'simple' configuration.

const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 60;

/**
 * Words are runs of letters and digits in any script; everything else separates them, as the index does
 * (drizzle/*_transcript_search.sql). Every word must occur, and the last one may be unfinished ("budg" finds
 * "budget"); all are matched as prefixes so that "3f2a" finds the room "/sales-3f2a…". Returns null when
 * nothing searchable was typed. The result only ever holds letters, digits, ":*" and " & ", so it cannot
 * inject tsquery syntax.
 */
export function toPrefixTsQuery(input: string): string | null {
  const terms = (input.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .map((t) => t.slice(0, MAX_TERM_LENGTH))
    .slice(0, MAX_TERMS);
  if (terms.length === 0) return null;
  return [...new Set(terms)].map((t) => `${t}:*`).join(" & ");
}

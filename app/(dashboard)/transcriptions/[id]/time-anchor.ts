// The anchor of a moment in a transcript page, so a line can be linked to and jumped to.

/** "t-00-01-05" for 65 s: the id of the first line spoken in that second. */
export function timeAnchor(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `t-${pad(Math.floor(seconds / 3600))}-${pad(Math.floor((seconds % 3600) / 60))}-${pad(seconds % 60)}`;
}

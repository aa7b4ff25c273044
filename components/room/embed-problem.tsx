"use client";
// In embed mode, a room page that cannot be joined (ended, locked) tells the embedding page why, as an `error` event of
// <verbatim-room>, instead of leaving it to guess from silence. Only to an origin the account allows.
import { useEffect } from "react";
import { EMBED_PROTOCOL } from "./embed-bridge";

export function EmbedProblem({ parentOrigin, code, message }: { parentOrigin: string; code: string; message: string }) {
  useEffect(() => {
    if (window.parent === window) return;
    window.parent.postMessage({ source: EMBED_PROTOCOL.fromPage, version: EMBED_PROTOCOL.version, kind: "event", event: "error", detail: { code, message } }, parentOrigin);
  }, [parentOrigin, code, message]);
  return null;
}

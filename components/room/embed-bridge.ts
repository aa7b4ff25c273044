"use client";
// The room page's side of <verbatim-room> (public/embed.js): in embed mode the page talks to the one parent origin the
// element named and the account allows (the CSP frame-ancestors already keeps other pages from framing it), posting
// events and answering method calls. Messages from anyone else (another origin, another window) are ignored.
import { useEffect, useRef } from "react";

/** What embed.js sends and what it accepts; bump the version on an incompatible change. */
export const EMBED_PROTOCOL = { fromPage: "verbatim-room", fromElement: "verbatim-embed", version: 1 } as const;

/** The element's methods. To add one (say pauseTranscription), add it here and to the page's handler table. */
export const embedMethods = ["join", "leave", "startTranscription", "stopTranscription", "pauseTranscription", "resumeTranscription"] as const;
export type EmbedMethod = (typeof embedMethods)[number];
export type EmbedHandlers = Record<EmbedMethod, () => Promise<unknown>>;

export type EmbedEvent =
  | "ready"
  | "joined"
  | "left"
  | "transcription-started"
  | "transcription-stopped"
  | "transcription-paused"
  | "transcription-resumed"
  | "segment"
  | "transcript-ready"
  | "error";

/** A refusal the element rejects its promise with: a stable code and a sentence for people. */
export class EmbedCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type CallMessage = { source: typeof EMBED_PROTOCOL.fromElement; version: number; kind: "call"; id: number; method: string };

function isCall(data: unknown): data is CallMessage {
  const m = data as Partial<CallMessage> | null;
  return !!m && typeof m === "object" && m.source === EMBED_PROTOCOL.fromElement && m.kind === "call" && typeof m.id === "number" && typeof m.method === "string";
}

export type EmbedBridge = { emit(event: EmbedEvent, detail?: unknown): void };

/**
 * Connects the page to its parent when `parentOrigin` is set (embed mode, origin allowed); otherwise a bridge that
 * says nothing. `handlers` may change on every render: the latest ones answer.
 */
export function useEmbedBridge(parentOrigin: string | null, handlers: EmbedHandlers): EmbedBridge {
  const latest = useRef(handlers);
  latest.current = handlers;
  const bridge = useRef<EmbedBridge>({ emit: () => {} });

  if (parentOrigin && typeof window !== "undefined" && window.parent !== window) {
    bridge.current = {
      emit(event, detail) {
        window.parent.postMessage({ source: EMBED_PROTOCOL.fromPage, version: EMBED_PROTOCOL.version, kind: "event", event, detail: detail ?? null }, parentOrigin);
      },
    };
  }

  useEffect(() => {
    if (!parentOrigin || window.parent === window) return;
    const reply = (message: Record<string, unknown>) =>
      window.parent.postMessage({ source: EMBED_PROTOCOL.fromPage, version: EMBED_PROTOCOL.version, kind: "result", ...message }, parentOrigin);
    const onMessage = async (event: MessageEvent) => {
      if (event.source !== window.parent || event.origin !== parentOrigin || !isCall(event.data)) return;
      const { id, method } = event.data;
      if (!(embedMethods as readonly string[]).includes(method)) {
        reply({ id, ok: false, error: { code: "unknown_method", message: `<verbatim-room> has no method ${method}()` } });
        return;
      }
      try {
        const value = await latest.current[method as EmbedMethod]();
        reply({ id, ok: true, value: value ?? null });
      } catch (error) {
        const code = error instanceof EmbedCallError ? error.code : "failed";
        reply({ id, ok: false, error: { code, message: (error as Error).message } });
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [parentOrigin]);

  return bridge.current;
}

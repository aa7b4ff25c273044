"use client";
// The room's live events (SSE): transcription state, final segments appended, the latest interim per speaker. Every
// event has an id, so when the connection drops EventSource reconnects with Last-Event-ID and the server replays the
// finals said meanwhile; a final is shown once per id.
import { useEffect, useMemo, useRef, useState } from "react";
import type { LiveSegment, LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";

/** "closed": the server refused the stream (the room is gone); EventSource does not retry that. */
export type LiveConnection = "connecting" | "open" | "reconnecting" | "closed";

export type LiveRoom = {
  transcription: LiveTranscriptionState;
  finals: (LiveSegment & { key: string })[];
  interims: LiveSegment[];
  connection: LiveConnection;
};

const MAX_FINALS = 500;

export function useLiveRoom(roomName: string, initial: LiveTranscriptionState): LiveRoom {
  const [transcription, setTranscription] = useState(initial);
  const [finals, setFinals] = useState<LiveRoom["finals"]>([]);
  const [interims, setInterims] = useState<Record<string, LiveSegment>>({});
  const [connection, setConnection] = useState<LiveConnection>("connecting");
  const seen = useRef(new Set<string>());

  useEffect(() => {
    const source = new EventSource(`/api/v1/rooms/${encodeURIComponent(roomName)}/live`);
    source.onopen = () => setConnection("open");
    // EventSource reconnects by itself; say so meanwhile.
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    source.addEventListener("state", (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { transcription: LiveTranscriptionState };
      setTranscription(data.transcription);
    });
    source.addEventListener("segment", (event) => {
      const message = event as MessageEvent<string>;
      const segment = JSON.parse(message.data) as LiveSegment;
      if (!segment.final) {
        // An empty interim withdraws the speaker's interim text (it was noise; no final follows).
        setInterims((all) => {
          if (segment.text) return { ...all, [segment.participantId]: segment };
          const next = { ...all };
          delete next[segment.participantId];
          return next;
        });
        return;
      }
      // A final's id is its place in the stream ("<transcription id>:<n>"): the same line keeps it on any instance.
      const key = message.lastEventId || `${segment.participantId}:${segment.startMs}:${segment.endMs}`;
      setInterims((all) => {
        if (!all[segment.participantId]) return all;
        const next = { ...all };
        delete next[segment.participantId];
        return next;
      });
      // Shown once, should a reconnect ever replay one already here.
      if (seen.current.has(key)) return;
      seen.current.add(key);
      setFinals((all) => [...all, { ...segment, key }].slice(-MAX_FINALS));
    });
    return () => source.close();
  }, [roomName]);

  // A stable list between interim changes, so the transcript box does not redo its work on every render.
  const interimList = useMemo(() => Object.values(interims), [interims]);
  return { transcription, finals, interims: interimList, connection };
}

// The runtime opens each track's engine stream with the transcription's engine, language and vocabulary, and aborts them when dropped as a crash would.
import { describe, expect, it } from "vitest";
import { createPocketSphinxEngine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import type { EngineOpenOptions, EngineStream, SpeechEngine } from "@/lib/speech/types";
import { SessionRuntime } from "./runtime";

/** The real PocketSphinx engine, noting what the runtime asked of it. */
function noting(engine: SpeechEngine) {
  const opened: EngineOpenOptions[] = [];
  const streams: { stream: EngineStream; aborted: boolean }[] = [];
  const wrapped: SpeechEngine = {
    ...engine,
    open(opts) {
      opened.push(opts);
      const stream = engine.open(opts);
      const entry = { stream, aborted: false };
      streams.push(entry);
      return {
        write: (pcm) => stream.write(pcm),
        end: () => stream.end(),
        onSegment: (cb) => stream.onSegment(cb),
        onError: (cb) => stream.onError(cb),
        abort: () => {
          entry.aborted = true;
          stream.abort();
        },
      };
    },
  };
  return { wrapped, opened, streams };
}

describe("SessionRuntime and its engine streams", () => {
  it("opens a track with the transcription's engine, language and vocabulary; abandon() aborts it", async () => {
    const engine = noting(createPocketSphinxEngine({ interim: false }));
    const asked: [string | null, string][] = [];
    const rt = new SessionRuntime("session-1", { id: "room-1", accountId: "acct-1", roomName: "/r" }, {
      db: () => Promise.reject(new Error("no segment is stored in this test")),
      engine: (engineId, language) => {
        asked.push([engineId, language]);
        return engine.wrapped;
      },
      track: () => {},
    });
    rt.upsertParticipant({ participantId: "ana", displayName: "Ana", breakoutGroup: null, notTranscribed: false }, { rejoin: true });
    rt.startRunning({ id: "t-1", startedAt: new Date(), language: "en", engineId: "pocketsphinx", vocabulary: ["Ana Lima", "Kubernetes"] });
    expect(await rt.acceptChunk("ana", 0, Buffer.alloc(8000))).toBe("accepted");
    expect(asked).toEqual([["pocketsphinx", "en"]]);
    expect(engine.opened).toEqual([{ language: "en", vocabulary: ["Ana Lima", "Kubernetes"] }]);

    rt.abandon();
    expect(engine.streams.map((s) => s.aborted)).toEqual([true]);
    await expect(engine.streams[0].stream.write(Buffer.alloc(3200))).rejects.toThrow(/aborted/);
  });
});

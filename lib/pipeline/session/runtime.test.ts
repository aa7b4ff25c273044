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

  it("keeps its state to itself: restored participants are absent until heard from, and a closed runtime refuses audio", async () => {
    let now = 5_000;
    const rt = new SessionRuntime("session-2", { id: "room-2", accountId: "acct-1", roomName: "/r2" }, {
      db: () => Promise.reject(new Error("no segment is stored in this test")),
      engine: () => {
        throw new Error("no transcription runs in this test");
      },
      track: () => {},
      now: () => now,
    });
    rt.restoreParticipant({ participantId: "ana", displayName: "Ana", breakoutGroup: null, notTranscribed: false }, 1_000);
    rt.restoreParticipant({ participantId: "ben", displayName: "Ben", breakoutGroup: null, notTranscribed: false }, 1_000);
    expect(rt.participantCount).toBe(2);
    expect(rt.absentSinceRestore()).toEqual(["ana", "ben"]);
    // A leave on their behalf counts from the session's last sign of life before the restart.
    expect(rt.lastSignOfLifeMs("ben")).toBe(1_000);

    now = 9_000;
    rt.heartbeat("ana");
    expect(rt.absentSinceRestore()).toEqual(["ben"]);
    expect(rt.lastSignOfLifeMs("ana")).toBe(9_000);
    // Not transcribed (no transcription runs): the audio is dropped, the participant counted as present.
    expect(await rt.acceptChunk("ben", 0, Buffer.alloc(8000))).toBe("not_transcribed");
    expect(rt.absentSinceRestore()).toEqual([]);

    // Closing cancels the recovery grace: a timer due before the wait below never fires.
    let expired = false;
    rt.expireAbsentAfter(1, () => (expired = true));
    rt.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(expired).toBe(false);
    expect(rt.isClosed).toBe(true);
    await expect(rt.acceptChunk("ana", 1, Buffer.alloc(8000))).rejects.toMatchObject({ code: "unavailable" });
    expect(() => rt.heartbeat("ana")).toThrow(/dropped on this instance/);
  });
});

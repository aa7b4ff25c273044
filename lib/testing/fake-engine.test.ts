// The fast lane's engine hears exactly what tone speech says, where it says it, however the audio is cut.
import { describe, expect, it } from "vitest";
import type { EngineSegment } from "@/lib/speech/types";
import { createFakeEngine, toneSpeech, TONE_WORDS } from "@/lib/testing/fake-engine";
import { roomTone } from "@/lib/testing/speech";

async function recognize(pcm: Buffer, pieceBytes: number) {
  const stream = createFakeEngine().open({ language: "en" });
  const events: EngineSegment[] = [];
  stream.onSegment((s) => events.push(s));
  for (let at = 0; at < pcm.length; at += pieceBytes) await stream.write(pcm.subarray(at, at + pieceBytes));
  await stream.end();
  return events;
}

describe("fake engine (tone words)", () => {
  it("hears every word of every sentence, in order, with the sentence's times, in pieces of any size", async () => {
    const speech = toneSpeech(["good morning everyone", "please send me the report by friday", "guten tag"]);
    for (const piece of [2, 3200, 8000, 33_334]) {
      const finals = (await recognize(speech.pcm, piece)).filter((s) => s.final);
      expect(finals.map((s) => s.text)).toEqual(speech.utterances.map((u) => u.text));
      finals.forEach((s, i) => {
        expect(Math.abs(s.startMs - speech.utterances[i].startMs)).toBeLessThanOrEqual(10);
        expect(Math.abs(s.endMs - speech.utterances[i].endMs)).toBeLessThanOrEqual(10);
      });
    }
  });

  it("knows every word of its vocabulary apart", async () => {
    const speech = toneSpeech([TONE_WORDS.join(" ")]);
    const finals = (await recognize(speech.pcm, 3200)).filter((s) => s.final);
    expect(finals.map((s) => s.text)).toEqual([TONE_WORDS.join(" ")]);
  });

  it("sends the sentence so far after each word, then the final; nothing for room tone", async () => {
    const speech = toneSpeech(["we need three more people"], { leadMs: 0 });
    const events = await recognize(Buffer.concat([roomTone(1000, { amplitude: 200 }), speech.pcm]), 3200);
    expect(events.map((s) => `${s.final ? "final" : "interim"}: ${s.text}`)).toEqual([
      "interim: we",
      "interim: we need",
      "interim: we need three",
      "interim: we need three more",
      "interim: we need three more people",
      "final: we need three more people",
    ]);
  });

  it("ends the utterance in progress at end(), refuses a language it does not do and writes after the end", async () => {
    const speech = toneSpeech(["yes no"], { pauseMs: 0 });
    const events = await recognize(speech.pcm, 1600);
    expect(events.filter((s) => s.final).map((s) => s.text)).toEqual(["yes no"]);
    expect(() => createFakeEngine().open({ language: "de" })).toThrow(/does not do "de"/);
    const stream = createFakeEngine({ languages: ["de"] }).open({ language: "de" });
    await stream.end();
    await expect(stream.write(Buffer.alloc(2))).rejects.toThrow(/ended/);
  });
});

import { describe, expect, it } from "vitest";
import { AudioFormatError, encodeWav, pcmBytesForMs, validatePcmChunk } from "@/lib/speech/pcm";
import { decodeWav, wavToPcm16kMono } from "@/lib/testing/wav";

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float64Array {
  return Float64Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

function toInt16(values: ArrayLike<number>): Int16Array {
  return Int16Array.from(values, (v) => Math.round(v * 32767));
}

function interleave(...channels: Int16Array[]): Int16Array {
  const out = new Int16Array(channels[0].length * channels.length);
  channels.forEach((ch, c) => ch.forEach((v, i) => (out[i * channels.length + c] = v)));
  return out;
}

/** Amplitude of `freq` in 16 kHz s16le PCM (Goertzel over the middle, away from edge effects). */
function toneAmplitude(pcm: Buffer, freq: number): number {
  const n = pcm.length / 2;
  const from = Math.floor(n / 4);
  const to = Math.floor((3 * n) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    const v = pcm.readInt16LE(i * 2) / 32768;
    re += v * Math.cos((2 * Math.PI * freq * i) / 16000);
    im += v * Math.sin((2 * Math.PI * freq * i) / 16000);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

/** A WAV header written by hand, for encodings encodeWav does not produce. */
function wavWith(format: number, bits: number, channels: number, rate: number, data: Buffer, extensible = false): Buffer {
  const fmtSize = extensible ? 40 : 16;
  const header = Buffer.alloc(20 + fmtSize + 8);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(header.length - 8 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(fmtSize, 16);
  header.writeUInt16LE(extensible ? 0xfffe : format, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE((rate * channels * bits) / 8, 28);
  header.writeUInt16LE((channels * bits) / 8, 32);
  header.writeUInt16LE(bits, 34);
  if (extensible) {
    header.writeUInt16LE(22, 36);
    header.writeUInt16LE(format, 44); // sub-format GUID starts with the format code
  }
  header.write("data", 20 + fmtSize, "ascii");
  header.writeUInt32LE(data.length, 24 + fmtSize);
  return Buffer.concat([header, data]);
}

describe("WAV to 16 kHz mono s16le", () => {
  it("passes 16 kHz mono 16-bit through unchanged", () => {
    const samples = toInt16(sine(440, 16000, 0.5));
    const pcm = wavToPcm16kMono(encodeWav(samples));
    expect(pcm.equals(Buffer.from(samples.buffer))).toBe(true);
  });

  it.each([8000, 11025, 22050, 32000, 44100, 48000])("resamples %i Hz keeping a 1 kHz tone and the duration", (rate) => {
    const wav = encodeWav(toInt16(sine(1000, rate, 1)), { sampleRate: rate });
    const out = wavToPcm16kMono(wav);
    expect(out.length / 2).toBe(16000);
    expect(toneAmplitude(out, 1000)).toBeCloseTo(0.5, 2);
    expect(toneAmplitude(out, 3000)).toBeLessThan(0.002);
  });

  it("filters out what 16 kHz cannot carry instead of aliasing it", () => {
    // 10 kHz at 44.1 kHz would fold to 6 kHz without the low-pass filter.
    const out = wavToPcm16kMono(encodeWav(toInt16(sine(10_000, 44100, 1)), { sampleRate: 44100 }));
    expect(toneAmplitude(out, 6000)).toBeLessThan(0.005);
  });

  it("mixes stereo down to mono", () => {
    const left = toInt16(sine(500, 48000, 1, 0.4));
    const right = toInt16(sine(1500, 48000, 1, 0.4));
    const out = wavToPcm16kMono(encodeWav(interleave(left, right), { sampleRate: 48000, channels: 2 }));
    expect(out.length / 2).toBe(16000);
    expect(toneAmplitude(out, 500)).toBeCloseTo(0.2, 2);
    expect(toneAmplitude(out, 1500)).toBeCloseTo(0.2, 2);
  });

  it("reads 8-bit unsigned WAV", () => {
    const wav = encodeWav(toInt16(sine(440, 8000, 1, 0.6)), { sampleRate: 8000, bitsPerSample: 8 });
    expect(decodeWav(wav).bitsPerSample).toBe(8);
    const out = wavToPcm16kMono(wav);
    expect(out.length / 2).toBe(16000);
    expect(toneAmplitude(out, 440)).toBeCloseTo(0.6, 1);
  });

  it("reads float 32-bit and WAVE_FORMAT_EXTENSIBLE files", () => {
    const values = sine(1000, 16000, 0.5, 0.25);
    const data = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => data.writeFloatLE(v, i * 4));
    const plain = wavToPcm16kMono(wavWith(3, 32, 1, 16000, data));
    const extensible = wavToPcm16kMono(wavWith(3, 32, 1, 16000, data, true));
    expect(plain.equals(extensible)).toBe(true);
    expect(plain.readInt16LE(2 * 4)).toBe(Math.round(values[4] * 32768));
  });

  it("refuses what is not a usable WAV with a clear error", () => {
    const bad: [Buffer, string, RegExp][] = [
      [Buffer.from("hello world, not audio"), "not_wav", /Not a WAV file/],
      [Buffer.alloc(0), "not_wav", /Not a WAV file/],
      [encodeWav(new Int16Array(10)).subarray(0, 36), "truncated", /no data chunk/],
      [wavWith(2, 4, 1, 16000, Buffer.alloc(100)), "unsupported_format", /Unsupported WAV encoding \(format 2, 4 bits\)/],
      [wavWith(1, 16, 1, 100, Buffer.alloc(100)), "unsupported_format", /Unsupported sample rate 100 Hz/],
    ];
    for (const [file, code, message] of bad) {
      let error: unknown;
      try {
        wavToPcm16kMono(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AudioFormatError);
      expect((error as AudioFormatError).code).toBe(code);
      expect((error as AudioFormatError).message).toMatch(message);
      expect((error as AudioFormatError).status).toBe(400);
    }
  });
});

describe("validatePcmChunk", () => {
  it("accepts even-length chunks up to the limit", () => {
    expect(() => validatePcmChunk(Buffer.alloc(pcmBytesForMs(100)))).not.toThrow();
    expect(() => validatePcmChunk(Buffer.alloc(64), { maxBytes: 64 })).not.toThrow();
  });

  it("refuses empty, odd-length and oversize chunks, oversize with 413", () => {
    expect(() => validatePcmChunk(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => validatePcmChunk(Buffer.alloc(3201))).toThrow(/3201 bytes; 16-bit PCM needs an even number/);
    try {
      validatePcmChunk(Buffer.alloc(66), { maxBytes: 64 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AudioFormatError);
      expect((e as AudioFormatError).code).toBe("too_large");
      expect((e as AudioFormatError).status).toBe(413);
      expect((e as AudioFormatError).message).toMatch(/66 bytes; at most 64 bytes/);
    }
  });
});

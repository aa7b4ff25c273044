// Audio formats for speech: 16 kHz mono s16le (what every engine receives), raw PCM chunk checks, WAV encoding.
// Decoding and resampling other WAV files is only for tests and tools: lib/testing/wav.ts.
import { CodedError, type AudioFormatErrorCode } from "@/lib/errors";

/** The one format every speech engine receives: 16 kHz, mono, signed 16-bit little-endian. */
export const PCM_SAMPLE_RATE = 16_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const PCM_BYTES_PER_SECOND = PCM_SAMPLE_RATE * 2;

/** Default cap on one raw PCM chunk: 10 s of audio (a browser sends ~100 ms chunks). */
export const DEFAULT_MAX_CHUNK_BYTES = 10 * PCM_BYTES_PER_SECOND;

/** Bad audio from a client. `status` is the HTTP status a route handler answers with. */
export class AudioFormatError extends CodedError<AudioFormatErrorCode> {
  declare readonly status: 400 | 413;
  constructor(code: AudioFormatErrorCode, message: string) {
    super(code, message, code === "too_large" ? 413 : 400);
    this.name = "AudioFormatError";
  }
}

/** Milliseconds of audio in a 16 kHz mono s16le buffer of `bytes` bytes. */
export function pcmDurationMs(bytes: number): number {
  return (bytes / PCM_BYTES_PER_SECOND) * 1000;
}

/** Bytes of 16 kHz mono s16le audio lasting `ms` milliseconds (whole samples). */
export function pcmBytesForMs(ms: number): number {
  return Math.round((ms * PCM_SAMPLE_RATE) / 1000) * 2;
}

/** Checks one raw 16 kHz mono s16le chunk; throws AudioFormatError with a message a client can act on. */
export function validatePcmChunk(pcm: Uint8Array, opts: { maxBytes?: number } = {}): void {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  if (pcm.byteLength === 0) throw new AudioFormatError("empty", "The audio chunk is empty.");
  if (pcm.byteLength % 2 !== 0) {
    throw new AudioFormatError(
      "odd_length",
      `The audio chunk has ${pcm.byteLength} bytes; 16-bit PCM needs an even number of bytes.`,
    );
  }
  if (pcm.byteLength > maxBytes) {
    throw new AudioFormatError(
      "too_large",
      `The audio chunk has ${pcm.byteLength} bytes; at most ${maxBytes} bytes (${pcmDurationMs(maxBytes) / 1000} s) are allowed.`,
    );
  }
}

const WAVE_FORMAT_PCM = 1;

/** Encodes interleaved integer PCM samples as a WAV file (8-bit is written unsigned, as WAV requires). */
export function encodeWav(
  samples: Int16Array | Buffer,
  opts: { sampleRate?: number; channels?: number; bitsPerSample?: 8 | 16 } = {},
): Buffer {
  const sampleRate = opts.sampleRate ?? PCM_SAMPLE_RATE;
  const channels = opts.channels ?? 1;
  const bits = opts.bitsPerSample ?? 16;
  const values =
    samples instanceof Int16Array
      ? samples
      : new Int16Array(samples.buffer.slice(samples.byteOffset, samples.byteOffset + (samples.byteLength & ~1)));
  const dataBytes = values.length * (bits / 8);
  const out = Buffer.alloc(44 + dataBytes);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write("WAVE", 8, "ascii");
  out.write("fmt ", 12, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  out.writeUInt16LE((channels * bits) / 8, 32);
  out.writeUInt16LE(bits, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(dataBytes, 40);
  if (bits === 16 && LITTLE_ENDIAN) {
    // The samples' memory is already s16le: one copy (the speech engines encode every utterance this way).
    Buffer.from(values.buffer, values.byteOffset, values.byteLength).copy(out, 44);
    return out;
  }
  for (let i = 0; i < values.length; i++) {
    if (bits === 16) out.writeInt16LE(values[i], 44 + i * 2);
    else out[44 + i] = Math.max(0, Math.min(255, Math.round(values[i] / 256) + 128));
  }
  return out;
}

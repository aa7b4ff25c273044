// WAV decoding and resampling to 16 kHz mono s16le, for tests and tools that feed recorded files (production only
// receives raw PCM chunks; lib/speech/pcm.ts has the format and WAV encoding).
import { AudioFormatError, PCM_SAMPLE_RATE } from "@/lib/speech/pcm";

const WAVE_FORMAT_PCM = 1;
export type DecodedWav = {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** One Float32Array per channel, values in [-1, 1]. */
  channelData: Float32Array[];
};

const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Decodes a RIFF/WAVE file: PCM 8/16/24/32-bit or float 32-bit, any channel count, any sample rate. */
export function decodeWav(file: Uint8Array): DecodedWav {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 12 || buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new AudioFormatError("not_wav", "Not a WAV file (no RIFF/WAVE header).");
  }
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | undefined;
  let data: Buffer | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > buf.length) throw new AudioFormatError("truncated", "The WAV fmt chunk is truncated.");
      let format = buf.readUInt16LE(body);
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= buf.length) {
        // The sub-format GUID starts with the plain format code.
        format = buf.readUInt16LE(body + 24);
      }
      fmt = {
        format,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      // Streamed WAVs often carry a size of 0 or 0xFFFFFFFF: take what is there.
      const end = size === 0 || body + size > buf.length ? buf.length : body + size;
      data = buf.subarray(body, end);
      if (fmt) break;
    }
    offset = body + size + (size % 2);
  }
  if (!fmt) throw new AudioFormatError("not_wav", "The WAV file has no fmt chunk.");
  if (!data) throw new AudioFormatError("truncated", "The WAV file has no data chunk.");
  const { format, channels, sampleRate, bitsPerSample } = fmt;
  const supported =
    (format === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) ||
    (format === WAVE_FORMAT_IEEE_FLOAT && bitsPerSample === 32);
  if (!supported) {
    throw new AudioFormatError(
      "unsupported_format",
      `Unsupported WAV encoding (format ${format}, ${bitsPerSample} bits); use PCM 8/16/24/32-bit or float 32-bit.`,
    );
  }
  if (channels < 1 || channels > 8) throw new AudioFormatError("unsupported_format", `Unsupported channel count ${channels}.`);
  if (sampleRate < 4000 || sampleRate > 384_000) {
    throw new AudioFormatError("unsupported_format", `Unsupported sample rate ${sampleRate} Hz.`);
  }
  const bytesPerSample = bitsPerSample / 8;
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(data.length / frameBytes);
  const channelData = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const at = i * frameBytes + c * bytesPerSample;
      let v: number;
      if (format === WAVE_FORMAT_IEEE_FLOAT) v = data.readFloatLE(at);
      else if (bitsPerSample === 8) v = (data[at] - 128) / 128; // 8-bit WAV is unsigned
      else if (bitsPerSample === 16) v = data.readInt16LE(at) / 32768;
      else if (bitsPerSample === 24) v = data.readIntLE(at, 3) / 8388608;
      else v = data.readInt32LE(at) / 2147483648;
      channelData[c][i] = v;
    }
  }
  return { sampleRate, channels, bitsPerSample, channelData };
}

// Windowed-sinc resampling (the bandlimited interpolation of J. O. Smith): one filter table sampled finely,
// read with linear interpolation, so any ratio works without per-ratio tables.
const ZERO_CROSSINGS = 16;
const TABLE_STEPS = 256; // table entries per zero crossing
const KAISER_BETA = 8;
let sincTable: Float64Array | undefined;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

function filterTable(): Float64Array {
  if (sincTable) return sincTable;
  const n = ZERO_CROSSINGS * TABLE_STEPS;
  const table = new Float64Array(n + 2);
  const i0Beta = besselI0(KAISER_BETA);
  for (let i = 0; i <= n; i++) {
    const x = i / TABLE_STEPS;
    const sinc = i === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = i / n;
    table[i] = sinc * (besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta);
  }
  sincTable = table;
  return table;
}

/** Resamples one channel; when going down, the filter cutoff follows the new Nyquist frequency so nothing aliases. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return Float32Array.from(input);
  const table = filterTable();
  const ratio = toRate / fromRate;
  // A little below Nyquist, so the transition band sits under it rather than across it.
  const cutoff = Math.min(1, ratio) * 0.95;
  const halfWidth = ZERO_CROSSINGS / cutoff; // in input samples
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Float32Array(outLength);
  const tableMax = ZERO_CROSSINGS * TABLE_STEPS;
  for (let n = 0; n < outLength; n++) {
    const t = n / ratio; // position in input samples
    const first = Math.max(0, Math.ceil(t - halfWidth));
    const last = Math.min(input.length - 1, Math.floor(t + halfWidth));
    let acc = 0;
    for (let k = first; k <= last; k++) {
      const pos = Math.abs(t - k) * cutoff * TABLE_STEPS;
      if (pos >= tableMax) continue;
      const i = Math.floor(pos);
      const frac = pos - i;
      acc += input[k] * (table[i] + frac * (table[i + 1] - table[i]));
    }
    out[n] = acc * cutoff;
  }
  return out;
}

/** Averages channels, resamples to 16 kHz and quantizes to s16le. */
export function toPcm16kMono(decoded: DecodedWav): Buffer {
  const { channelData, sampleRate } = decoded;
  const frames = channelData[0]?.length ?? 0;
  let mono: Float32Array;
  if (channelData.length === 1) mono = channelData[0];
  else {
    mono = new Float32Array(frames);
    for (const ch of channelData) for (let i = 0; i < frames; i++) mono[i] += ch[i] / channelData.length;
  }
  const resampled = resample(mono, sampleRate, PCM_SAMPLE_RATE);
  const out = Buffer.alloc(resampled.length * 2);
  for (let i = 0; i < resampled.length; i++) {
    const v = Math.round(resampled[i] * 32768);
    out.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, i * 2);
  }
  return out;
}

/** Any common WAV file → 16 kHz mono s16le PCM. */
export function wavToPcm16kMono(file: Uint8Array): Buffer {
  return toPcm16kMono(decodeWav(file));
}


// Reading audio from HTTP requests: the PCM content type check and a capped read of one chunk's body.
import { AudioFormatError } from "@/lib/speech/pcm";
import { AppError } from "@/lib/errors";
import { readBytesCapped } from "@/lib/api/read-body";

/**
 * Accepts `audio/L16;rate=16000;channels=1` (parameters optional, those values if given) or application/octet-stream,
 * or no type at all; refuses any other audio format with 415 and says which one is expected.
 */
export function assertPcmContentType(request: Request): void {
  const raw = request.headers.get("content-type");
  if (!raw) return;
  const [type, ...params] = raw.split(";").map((s) => s.trim().toLowerCase());
  const expected = "Send 16 kHz mono signed 16-bit little-endian PCM as Content-Type: audio/L16;rate=16000;channels=1";
  if (type === "application/octet-stream") return;
  if (type !== "audio/l16") throw new AppError("unsupported_media_type", `${expected} (got ${raw.slice(0, 100)})`);
  for (const p of params) {
    const [k, v] = p.split("=").map((s) => s.trim());
    if (k === "rate" && v !== "16000") throw new AppError("unsupported_media_type", `${expected}; resample to 16000 Hz (got rate=${v})`);
    if (k === "channels" && v !== "1") throw new AppError("unsupported_media_type", `${expected}; mix down to one channel (got channels=${v})`);
  }
}

/** The whole body of a chunk request, refusing (413) one larger than `maxBytes` before holding it all. */
export async function readChunkBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new AudioFormatError("too_large", `An audio chunk may have at most ${maxBytes} bytes (send ≤ 1 s, 250 ms by convention).`);
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) throw new AudioFormatError("empty", "The audio chunk is empty.");
  return readBytesCapped(request, maxBytes, tooLarge);
}

// Reads a JSON request body with a size cap, so a huge body is refused before it is held in memory.
import { AppError } from "@/lib/errors";

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readTextCapped(request, maxBytes);
  if (text.trim() === "") throw new AppError("validation", "Validation failed", [{ path: "", message: "The request body is empty; send a JSON object" }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("validation", "Validation failed", [{ path: "", message: `The body is not valid JSON: ${(error as Error).message}` }]);
  }
}

/** The whole body, refusing with `tooLarge()` as soon as it passes `maxBytes` (never holding more than that). */
export async function readBytesCapped(request: Request, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readTextCapped(request: Request, maxBytes: number): Promise<string> {
  return (await readBytesCapped(request, maxBytes, () => tooLarge(maxBytes))).toString("utf8");
}

const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes`);

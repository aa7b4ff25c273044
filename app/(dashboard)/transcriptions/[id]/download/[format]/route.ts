// GET /transcriptions/{id}/download/{md|txt|vtt|json}: the transcript as a file (session auth, members and admins).
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/errors";
import { AppError, notFound } from "@/lib/errors";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { transcriptDownload } from "@/lib/transcripts/transcript-content";
import type { TranscriptFormat } from "@/lib/transcripts/render";

export const dynamic = "force-dynamic";

const formats: TranscriptFormat[] = ["md", "txt", "vtt", "json"];

export async function GET(_request: Request, { params }: { params: Promise<{ id: string; format: string }> }) {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthorized", "Sign in again");
    const { id, format } = await params;
    if (!formats.includes(format as TranscriptFormat)) throw notFound();
    const file = await transcriptDownload(await getDb(), user.accountId, id, format as TranscriptFormat);
    return new Response(new Uint8Array(file.body), {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": attachmentDisposition(file.filename),
        "Content-Length": String(file.body.length),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
        // Says whether .md is the stored file or was rendered from the database (bucket unreachable, or in progress).
        "X-Transcript-Source": file.source,
      },
    });
  } catch (error) {
    return errorResponse(error, { "Cache-Control": "private, no-store" });
  }
}

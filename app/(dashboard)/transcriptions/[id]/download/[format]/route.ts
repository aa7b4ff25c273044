// GET /transcriptions/{id}/download/{md|txt|vtt|json}: the transcript as a file (session auth, members and admins).
import { z } from "zod";
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { notFound } from "@/lib/errors";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { transcriptDownload } from "@/lib/transcripts/transcript-content";
import type { TranscriptFormat } from "@/lib/transcripts/render";

export const dynamic = "force-dynamic";

const formats: TranscriptFormat[] = ["md", "txt", "vtt", "json"];

const pathSchema = z.object({ id: z.string(), format: z.string() });

export const GET = dashboardRoute({ role: "member", params: pathSchema }, async ({ user, db, params: { id, format } }) => {
  if (!formats.includes(format as TranscriptFormat)) throw notFound();
  const file = await transcriptDownload(db, user.accountId, id, format as TranscriptFormat);
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
});

// GET /api/v1/downloads/{transcriptionId}/{md|txt|vtt}?expires=…&signature=…: the transcript file a signed room-page link
// opens (lib/transcripts/download-links.ts); the link itself is the credential. Expired: 410; forged: 403.
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/errors";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { DownloadLinkError, openDownloadLink } from "@/lib/pipeline/room-downloads";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "private, no-store" };

export async function GET(request: Request, { params }: { params: Promise<{ transcriptionId: string; format: string }> }) {
  try {
    const { transcriptionId, format } = await params;
    const query = new URL(request.url).searchParams;
    const file = await openDownloadLink(await getDb(), { transcriptionId, format, expires: query.get("expires"), signature: query.get("signature") });
    return new Response(new Uint8Array(file.body), {
      headers: {
        ...noStore,
        "Content-Type": file.contentType,
        "Content-Disposition": attachmentDisposition(file.filename),
        "Content-Length": String(file.body.length),
        "X-Content-Type-Options": "nosniff",
        "X-Transcript-Source": file.source,
      },
    });
  } catch (error) {
    if (error instanceof DownloadLinkError) return Response.json({ error: error.message }, { status: error.status, headers: noStore });
    return errorResponse(error, noStore);
  }
}

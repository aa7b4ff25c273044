// GET /api/v1/downloads/{transcriptionId}/{md|txt|vtt}?expires=…&signature=…: the transcript file a signed room-page link
// opens (lib/transcripts/download-links.ts); the link itself is the credential. Expired: 410; forged: 403.
import { z } from "zod";
import { wrapRoute } from "@/lib/api/route-core";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { openDownloadLink } from "@/lib/pipeline/room-downloads";

export const dynamic = "force-dynamic";

const noStore = { "Cache-Control": "private, no-store" };

const pathSchema = z.object({ transcriptionId: z.string(), format: z.string() });

// The wrapper core with no caller to authenticate: the signature is checked by openDownloadLink, whose refusals say why.
export const GET = wrapRoute(
  { authenticate: async () => null, params: pathSchema, messages: "specific", errorHeaders: noStore },
  async ({ db, request, params: { transcriptionId, format } }) => {
    const query = new URL(request.url).searchParams;
    const file = await openDownloadLink(db, { transcriptionId, format, expires: query.get("expires"), signature: query.get("signature") });
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
  },
);

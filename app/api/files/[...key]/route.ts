// Serves hosted transcript files by HMAC-signed, expiring links (the directory backend's download links).
import { appEnv } from "@/lib/config/env";
import { hostedS3FromEnv } from "@/lib/storage/hosted";
import { fileLinkSigningKey, hostedStorage } from "@/lib/storage-config/storage-for";
import { serveFileLink } from "@/lib/storage-config/serve-file-link";

export const dynamic = "force-dynamic";

async function handle(request: Request, method: "GET" | "HEAD") {
  // With the operator's S3 bucket, links are presigned S3 URLs and this route has nothing to serve.
  if (hostedS3FromEnv(appEnv())) return new Response("Not found\n", { status: 404 });
  return serveFileLink(request.url, { storage: hostedStorage(), signingKey: fileLinkSigningKey(), method });
}

export const GET = (request: Request) => handle(request, "GET");
export const HEAD = (request: Request) => handle(request, "HEAD");

// Starts s3rver, a real S3 protocol server, on loopback for tests and local trials of the "Your S3 bucket" settings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export type LocalS3Server = {
  endpoint: string;
  region: string;
  /** s3rver's built-in account; it checks the access key id and (for SigV4) nothing else. */
  accessKeyId: string;
  secretAccessKey: string;
  directory: string;
  close(): Promise<void>;
};

/** `port`: a fixed one, to start it again where a stopped one was (tests of a bucket that comes back); default any free one. */
export async function startLocalS3Server(opts: { buckets?: string[]; directory?: string; port?: number } = {}): Promise<LocalS3Server> {
  const ownDirectory = opts.directory === undefined;
  const directory = opts.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: opts.port ?? 0,
    silent: true,
    directory,
    configureBuckets: (opts.buckets ?? []).map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    directory,
    async close() {
      // The SDK keeps connections alive; without dropping them, close() waits for their idle timeout.
      server.httpServer?.closeAllConnections();
      await server.close();
      if (ownDirectory) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

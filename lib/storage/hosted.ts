// Hosted storage: a directory under the data directory, or the operator's own S3 bucket when configured.
import path from "node:path";
import { createDirectoryStorage } from "@/lib/storage/directory";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { createS3Storage, type S3Config } from "@/lib/storage/s3";

export type HostedStorageOptions = {
  dataDir: string;
  publicBaseUrl: string;
  /** Signs directory links; derive it with deriveSubkey(keyring, "file-links") so every instance agrees. */
  signingKey: Buffer;
  s3?: S3Config;
};

/** The directory backend lives in `<dataDir>/transcripts`. */
export function hostedDirectory(dataDir: string): string {
  return path.join(dataDir, "transcripts");
}

export function createHostedStorage(opts: HostedStorageOptions): ObjectStorage {
  if (opts.s3) return createS3Storage({ ...opts.s3, kind: "hosted" });
  return createDirectoryStorage({
    root: hostedDirectory(opts.dataDir),
    publicBaseUrl: opts.publicBaseUrl,
    signingKey: opts.signingKey,
  });
}

/** The operator's hosted S3 settings from the validated environment, or undefined for the directory backend. */
export function hostedS3FromEnv(env: {
  VERBATIM_HOSTED_S3_BUCKET?: string;
  VERBATIM_HOSTED_S3_REGION?: string;
  VERBATIM_HOSTED_S3_ACCESS_KEY_ID?: string;
  VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY?: string;
  VERBATIM_HOSTED_S3_ENDPOINT?: string;
}): S3Config | undefined {
  const bucket = env.VERBATIM_HOSTED_S3_BUCKET;
  const region = env.VERBATIM_HOSTED_S3_REGION;
  const accessKeyId = env.VERBATIM_HOSTED_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY;
  if (!bucket || !region || !accessKeyId || !secretAccessKey) return undefined;
  return { bucket, region, accessKeyId, secretAccessKey, endpoint: env.VERBATIM_HOSTED_S3_ENDPOINT || undefined };
}

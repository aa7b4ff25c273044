// When the S3 client sends and checks checksums for a customer's bucket: the values stored and accepted, and their
// words in the dashboard and the audit log (lib/storage/s3.ts says why there is a choice).

/** "whenRequired" suits most S3-compatible stores; "whenSupported" is what a bucket with Object Lock needs. */
export const s3ChecksumModes = ["whenRequired", "whenSupported"] as const;
export type S3ChecksumMode = (typeof s3ChecksumModes)[number];

export const s3ChecksumModeLabels: Record<S3ChecksumMode, string> = {
  whenRequired: "Only when required (most S3-compatible stores)",
  whenSupported: "On every upload (buckets with Object Lock)",
};

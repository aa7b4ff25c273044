// The storage interface every transcript goes through: hosted (directory or operator's S3) or the customer's S3 bucket.

export type StorageKind = "hosted" | "self_hosted";

export interface ObjectStorage {
  readonly kind: StorageKind;
  /** Writes the whole object; an existing object under the key is replaced. */
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
  /** Throws StorageError("not_found") when there is no such object. */
  get(key: string): Promise<Buffer>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** A URL that downloads the object without further auth until `expires`, and not after. */
  link(key: string, opts: LinkOptions): Promise<{ url: string; expires: Date }>;
}

export type LinkOptions = { expiresInSeconds: number; downloadName?: string };

/** S3 presigned URLs live at most 7 days; the same cap keeps directory links comparable. */
export const maxLinkSeconds = 7 * 24 * 3600;

export function assertLinkLifetime(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > maxLinkSeconds) {
    throw new RangeError(`expiresInSeconds must be a whole number from 1 to ${maxLinkSeconds}, got ${expiresInSeconds}`);
  }
}

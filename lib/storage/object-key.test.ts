import { describe, expect, it } from "vitest";
import { assertSafeKey, bucketNameProblem, objectKey, parseBucket } from "@/lib/storage/object-key";
import { StorageError } from "@/lib/storage/storage-error";

function storageError(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error("expected a StorageError");
}

describe("objectKey", () => {
  it("joins prefix and name", () => {
    expect(objectKey("transcripts", "acc_1/2026/a.md")).toBe("transcripts/acc_1/2026/a.md");
    expect(objectKey("", "a.md")).toBe("a.md");
    expect(objectKey("a/b", "c d/ü é.md")).toBe("a/b/c d/ü é.md");
    expect(objectKey("", ".verbatim-probe/x..y.txt")).toBe(".verbatim-probe/x..y.txt");
  });

  it.each([
    ["../escape.md", /"\.\." path segment/],
    ["a/../../b.md", /"\.\." path segment/],
    ["a/./b.md", /"\." path segment/],
    ["..", /"\.\." path segment/],
    ["/etc/passwd", /absolute path/],
    ["a\\..\\b", /backslash/],
    ["C:/windows/x", /drive letter/],
    ["a//b", /empty path segment/],
    ["a/", /empty path segment/],
    ["", /is empty/],
    ["a\u0000b", /control characters/],
    ["a\nb", /control characters/],
    ["a\u007fb", /control characters/],
    ["a\u0085b", /control characters/],
    ["a\u2028b", /control characters/],
    ["x".repeat(1025), /longer than 1024 bytes/],
    ["é".repeat(513), /longer than 1024 bytes/],
  ])("refuses the name %j", (name, reason) => {
    const err = storageError(() => objectKey("prefix", name));
    expect(err.code).toBe("invalid_key");
    expect(err.userMessage).toMatch(reason);
  });

  it("refuses a bad prefix and a join that grows too long", () => {
    expect(storageError(() => objectKey("../up", "a.md")).userMessage).toMatch(/prefix/);
    expect(storageError(() => objectKey("/abs", "a.md")).code).toBe("invalid_key");
    expect(storageError(() => objectKey("p".repeat(600), "n".repeat(600))).userMessage).toMatch(/longer than 1024/);
    expect(() => assertSafeKey("x".repeat(1024))).not.toThrow();
  });
});

describe("parseBucket", () => {
  it.each([
    ["my-bucket", { bucket: "my-bucket", prefix: "" }],
    ["my-bucket/transcripts", { bucket: "my-bucket", prefix: "transcripts" }],
    ["my-bucket/a/b/", { bucket: "my-bucket", prefix: "a/b" }],
    [" s3://my.bucket.v2/team a ", { bucket: "my.bucket.v2", prefix: "team a" }],
  ])("splits %j", (value, expected) => {
    expect(parseBucket(value)).toEqual(expected);
  });

  it.each([
    ["", /is empty/],
    ["ab", /3 to 63 characters/],
    ["a".repeat(64), /3 to 63 characters/],
    ["My-Bucket", /lowercase letters, digits, dots and hyphens/],
    ["my_bucket", /lowercase letters/],
    ["-bucket", /start and end with a letter or digit/],
    ["bucket-", /start and end/],
    ["my..bucket", /two dots/],
    ["192.168.1.10", /IP address/],
    ["xn--bucket", /must not start with/],
    ["bucket-s3alias", /reserved by S3/],
    ["/my-bucket", /is empty/],
    ["my-bucket/../other", /"\.\." path segment/],
    ["my-bucket/a//b", /empty path segment/],
    ["my-bucket/a\tb", /control characters/],
  ])("refuses %j", (value, reason) => {
    const err = storageError(() => parseBucket(value));
    expect(err.code).toBe("invalid_config");
    expect(err.userMessage).toMatch(reason);
  });

  it("names no problem for a valid name", () => {
    expect(bucketNameProblem("abc")).toBeUndefined();
    expect(bucketNameProblem("a-1.b-2")).toBeUndefined();
  });
});

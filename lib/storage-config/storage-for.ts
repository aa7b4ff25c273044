// Builds the storage a transcript goes to: the operator's hosted storage, or a customer's bucket from sealed settings.
import { appEnv } from "@/lib/config/env";
import { appKeyring } from "@/lib/config/keyring";
import { deriveSubkey } from "@/lib/crypto/keyring";
import { openSecret } from "@/lib/crypto/seal";
import { createHostedStorage, hostedS3FromEnv } from "@/lib/storage/hosted";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { createS3Storage } from "@/lib/storage/s3";
import type { Destination } from "@/lib/settings/types";
import { customerS3AddressPolicy } from "@/lib/storage/customer-endpoint-policy";

/** Signs and verifies hosted directory links; derived from the keyring so every instance sharing the keys agrees. */
export function fileLinkSigningKey(): Buffer {
  return deriveSubkey(appKeyring(), "file-links");
}

/** Hosted storage: the operator's S3 bucket when VERBATIM_HOSTED_S3_* are set, else `<data dir>/transcripts`. */
export function hostedStorage(): ObjectStorage {
  const env = appEnv();
  return createHostedStorage({
    dataDir: env.dataDir,
    publicBaseUrl: env.publicUrl,
    signingKey: fileLinkSigningKey(),
    s3: hostedS3FromEnv(env),
  });
}

/**
 * The storage for a destination. `sealedFor` is the associated data the secret was sealed with: the account id
 * for account settings (lib/settings/save-settings.ts), the room's id for a room's own destination.
 */
export function storageForDestination(destination: Destination, sealedFor: string): ObjectStorage {
  if (destination.provider === "hosted") return hostedStorage();
  return createS3Storage({
    kind: "self_hosted",
    bucket: destination.bucket,
    region: destination.region,
    accessKeyId: destination.accessKeyId,
    secretAccessKey: openSecret(destination.secretSealed, appKeyring(), sealedFor),
    endpoint: destination.endpoint ?? undefined,
    checksumMode: destination.checksumMode,
    addressPolicy: customerS3AddressPolicy(),
  });
}

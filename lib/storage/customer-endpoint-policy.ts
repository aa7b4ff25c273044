// The address policy for customers' S3 endpoints as the operator configured it (VERBATIM_S3_ALLOW_PRIVATE for a self-hosted MinIO).
import { appEnv } from "@/lib/config/env";
import { validateTargetUrl, type AddressPolicy } from "@/lib/net/address-policy";
import { endpointRefusal } from "@/lib/storage/s3";

export function customerS3AddressPolicy(): AddressPolicy {
  return { allowPrivate: appEnv().VERBATIM_S3_ALLOW_PRIVATE };
}

/** Why a customer's S3 endpoint may not be used (a private, loopback or metadata address), or undefined. */
export function customerEndpointRefusal(endpoint: string): string | undefined {
  const check = validateTargetUrl(endpoint, { ...customerS3AddressPolicy(), httpAllowed: true });
  return check.ok ? undefined : endpointRefusal(endpoint, check.reason);
}

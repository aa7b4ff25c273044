// This process's keyring for sealing stored secrets: from VERBATIM_ENCRYPTION_KEYS, else the key file in the data directory.
import { loadOrCreateKeyring, type Keyring } from "@/lib/crypto/keyring";
import { appEnv } from "@/lib/config/env";

let cached: Keyring | undefined;

/** Loaded once; the key file is created on first use when the environment gives no keys. */
export function appKeyring(): Keyring {
  cached ??= loadOrCreateKeyring({ envValue: appEnv().VERBATIM_ENCRYPTION_KEYS, dataDir: appEnv().dataDir });
  return cached;
}

/** Tests switch data directories between cases; this forgets the cached keyring. */
export function resetAppKeyringForTests() {
  cached = undefined;
}

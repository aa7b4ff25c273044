"use server";
// Server actions of Configure → API keys: create (the key is shown once) and revoke (admins).
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { apiKeyNameSchema, createApiKey, revokeApiKey } from "@/lib/api-keys/api-keys";

export const createApiKeyAction = adminAction(z.object({ name: apiKeyNameSchema }), async ({ name }, { db, actor }) => {
  const created = await createApiKey(db, actor, name);
  return { key: created.key, name: created.name };
});

export const revokeApiKeyAction = adminAction(z.object({ keyId: z.uuid() }), async ({ keyId }, { db, actor }) => {
  await revokeApiKey(db, actor, keyId);
  return { keyId };
});

// Configure → API keys: the account's keys (admins manage them).
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listApiKeys } from "@/lib/api-keys/api-keys";
import { PageHeader } from "@/components/ui/page-header";
import { ApiKeysClient } from "./api-keys-client";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const keys = await listApiKeys(await getDb(), user.accountId);
  return (
    <>
      <PageHeader title="API keys" description="Keys for the REST API. A key acts with your account's admin rights: keep it secret." />
      <ApiKeysClient
        isAdmin={user.role === "admin"}
        keys={keys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null }))}
      />
    </>
  );
}

// Configure → Webhooks: the account's endpoints and the events they receive.
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { MAX_ENDPOINTS_PER_ACCOUNT } from "@/lib/webhooks/endpoint-schemas";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { PageHeader } from "@/components/ui/page-header";
import { WebhooksClient } from "./webhooks-client";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const endpoints = await listWebhookEndpoints(await getDb(), user.accountId);
  return (
    <>
      <PageHeader title="Webhooks" description="Signed notifications to your servers when sessions and transcripts change. Verify them as the README shows." />
      <WebhooksClient
        isAdmin={user.role === "admin"}
        eventTypes={[...WEBHOOK_EVENT_TYPES]}
        maxEndpoints={MAX_ENDPOINTS_PER_ACCOUNT}
        endpoints={endpoints.map((e) => ({
          ...e,
          createdAt: e.createdAt.toISOString(),
          previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
        }))}
      />
    </>
  );
}

// Configure → Webhooks: the account's endpoints and the events they receive.
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { MAX_ENDPOINTS_PER_ACCOUNT } from "@/lib/webhooks/endpoint-schemas";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { endpointHealth } from "@/lib/webhooks/endpoint-health";
import { PageHeader } from "@/components/ui/page-header";
import { WebhooksClient } from "./webhooks-client";

export const metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const db = await getDb();
  const [endpoints, health] = await Promise.all([listWebhookEndpoints(db, user.accountId), endpointHealth(db, user.accountId)]);
  return (
    <>
      <PageHeader title="Webhooks" description="Signed notifications to your servers when sessions and transcripts change. The events guide lists each one with a sample." />
      <WebhooksClient
        isAdmin={user.role === "admin"}
        eventTypes={WEBHOOK_EVENT_TYPES.map((type) => ({ type, description: WEBHOOK_EVENT_DESCRIPTIONS[type] }))}
        maxEndpoints={MAX_ENDPOINTS_PER_ACCOUNT}
        endpoints={endpoints.map((e) => ({
          ...e,
          createdAt: e.createdAt.toISOString(),
          previousSecretExpiresAt: e.previousSecretExpiresAt?.toISOString() ?? null,
          health: health.has(e.webhookId)
            ? (({ failed, retrying, lastFailure }) => ({ failed, retrying, lastFailure: lastFailure && { ...lastFailure, at: lastFailure.at.toISOString() } }))(health.get(e.webhookId)!)
            : null,
        }))}
      />
    </>
  );
}

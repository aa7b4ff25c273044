// One webhook endpoint's delivery log.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { findWebhookEndpoint, toWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { listDeliveryLog } from "@/lib/webhooks/deliveries";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { DeliveryLogClient } from "./delivery-log-client";

export const metadata = { title: "Webhook delivery log" };

export default async function WebhookDeliveryLogPage({ params }: { params: Promise<{ webhookId: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const { webhookId } = await params;
  if (user.role !== "admin") {
    return (
      <>
        <PageHeader title="Webhook delivery log" />
        <Alert tone="info">Only account admins can see webhook delivery logs.</Alert>
      </>
    );
  }
  const db = await getDb();
  const row = await findWebhookEndpoint(db, user.accountId, webhookId);
  if (!row) notFound();
  const endpoint = toWebhookEndpoint(row);
  const log = await listDeliveryLog(db, user.accountId, webhookId);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/configure/webhooks" className="text-brand-600 hover:underline dark:text-brand-100">
          ← Webhooks
        </Link>
      </p>
      <PageHeader title="Delivery log" description={`Every attempt to ${endpoint.url}, newest first. Attempts are kept for 30 days.`} />
      <DeliveryLogClient
        webhookId={endpoint.webhookId}
        enabled={endpoint.enabled}
        deliveries={log.map((d) => ({
          ...d,
          createdAt: d.createdAt.toISOString(),
          nextAttemptAt: iso(d.nextAttemptAt),
          attempts: d.attempts.map((a) => ({ ...a, startedAt: a.startedAt.toISOString(), finishedAt: iso(a.finishedAt) })),
        }))}
      />
    </>
  );
}

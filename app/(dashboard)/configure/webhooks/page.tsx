import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { WebhookIcon } from "@/components/ui/icons";

export const metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return (
    <>
      <PageHeader title="Webhooks" description="Signed notifications to your servers when sessions and transcripts change." />
      <Card>
        <EmptyState icon={<WebhookIcon />} title="No webhook endpoints">
          Endpoints you add here receive signed events such as transcription.finished, with a log of every delivery
          attempt and a way to redeliver.
        </EmptyState>
      </Card>
    </>
  );
}

import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { TranscriptIcon } from "@/components/ui/icons";

export const metadata = { title: "Transcriptions" };

export default function TranscriptionsPage() {
  return (
    <>
      <PageHeader title="Transcriptions" description="Every transcribed session of your account." />
      <Card>
        <EmptyState icon={<TranscriptIcon />} title="No transcriptions yet">
          When a session in one of your rooms is transcribed, its transcript appears here while people talk, and is saved
          when the session ends. You can then read, download, summarize or delete it.
        </EmptyState>
      </Card>
    </>
  );
}

import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { SettingsIcon } from "@/components/ui/icons";

export const metadata = { title: "Transcription settings" };

export default function TranscriptionSettingsPage() {
  return (
    <>
      <PageHeader title="Transcription" description="Your account's transcription defaults: storage, start trigger and language." />
      <Card>
        <EmptyState icon={<SettingsIcon />} title="Defaults apply to every room">
          Transcription is on, with hosted storage, a manual start and English. Choosing your own S3 bucket, the start
          trigger and the language will appear here.
        </EmptyState>
      </Card>
    </>
  );
}

import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RoomIcon } from "@/components/ui/icons";

export const metadata = { title: "Rooms" };

export default function RoomsPage() {
  return (
    <>
      <PageHeader title="Rooms" description="Meeting rooms of your account and their transcription settings." />
      <Card>
        <EmptyState icon={<RoomIcon />} title="No rooms yet">
          Rooms you create through the API (POST /api/v1/meetings) appear here with their links, end date, sessions and
          effective transcription settings.
        </EmptyState>
      </Card>
    </>
  );
}

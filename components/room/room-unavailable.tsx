// The room page when there is nothing to join: the room does not exist, or it has ended.
import { Card } from "@/components/ui/card";
import { RoomIcon } from "@/components/ui/icons";

export function RoomUnavailable({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-md px-4 py-16">
      <Card className="p-8 text-center">
        <div className="mx-auto mb-4 flex size-12 items-center justify-center rounded-full bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
          <RoomIcon className="size-6" />
        </div>
        <h1 className="text-lg font-semibold">{title}</h1>
        <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</div>
      </Card>
    </div>
  );
}

// The empty Transcriptions page of a new account: the four steps from nothing to a first transcript, with the action each needs.
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

type Step = { title: string; body: React.ReactNode; done: boolean; action?: React.ReactNode };

export function FirstRunChecklist({ isAdmin, hasRoom, hasSessions }: { isAdmin: boolean; hasRoom: boolean; hasSessions: boolean }) {
  const steps: Step[] = [
    {
      title: "Create a room",
      body: isAdmin ? "A room is a link people open in their browser to talk; give it a name you will recognise." : "Ask an admin of your account to create a room.",
      done: hasRoom,
      action: isAdmin && !hasRoom ? (
        <Link href="/rooms?create=1" className={buttonClass("primary")}>
          Create a room
        </Link>
      ) : undefined,
    },
    {
      title: "Open the host link",
      body: "On the Rooms page, “Join as host” opens the room with the controls to start and stop transcription. Send the room link to the others.",
      done: hasSessions,
      action: hasRoom && !hasSessions ? (
        <Link href="/rooms" className={buttonClass("secondary")}>
          Go to Rooms
        </Link>
      ) : undefined,
    },
    { title: "Speak", body: "Allow the microphone and talk; your words appear in the room as you say them.", done: false },
    { title: "See the transcript", body: "It shows here while people talk, and is saved when the session ends: read, search, download or summarize it.", done: false },
  ];
  return (
    <div className="px-5 py-8 md:px-10" data-testid="first-run">
      <h3 className="text-base font-semibold">No transcriptions yet</h3>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Four steps to your first transcript:</p>
      <ol className="mt-5 space-y-4">
        {steps.map((step, i) => (
          <li key={step.title} className="flex gap-3" data-done={step.done || undefined}>
            <span
              className={cn(
                "flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold",
                step.done ? "bg-emerald-600 text-white" : "bg-brand-50 text-brand-700 ring-1 ring-brand-100 dark:bg-brand-700/20 dark:text-brand-100 dark:ring-brand-700/40",
              )}
              aria-hidden
            >
              {step.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0 flex-1">
              <p className={cn("text-sm font-medium", step.done && "text-zinc-500 line-through dark:text-zinc-400")}>
                {step.title}
                {step.done && <span className="sr-only"> (done)</span>}
              </p>
              <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{step.body}</p>
              {step.action && <div className="mt-2.5">{step.action}</div>}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

"use client";
// One endpoint's delivery log client island: attempts, answers and redelivery.
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { redeliverEventAction } from "../actions";
import { SendTestEvent } from "../webhooks-client";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { WebhookIcon } from "@/components/ui/icons";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";
import { FormattedDate } from "@/components/ui/formatted-date";

type Attempt = {
  attemptNumber: number;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  statusCode: number | null;
  durationMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
};
type Delivery = {
  deliveryId: string;
  eventId: string;
  eventType: string;
  reason: "event" | "redeliver" | "test";
  status: "pending" | "delivered" | "failed";
  createdAt: string;
  nextAttemptAt: string | null;
  attempts: Attempt[];
};

const statusBadge = { pending: <Badge tone="amber">Retrying</Badge>, delivered: <Badge tone="green">Delivered</Badge>, failed: <Badge tone="red">Failed</Badge> };
const reasonLabel = { event: null, redeliver: <Badge tone="brand">Redelivery</Badge>, test: <Badge tone="brand">Test</Badge> };

function nextAttemptDue(deliveries: Delivery[]): number | null {
  let due: number | null = null;
  for (const d of deliveries) {
    if (d.status !== "pending") continue;
    const at = d.attempts.some((a) => !a.finishedAt) || !d.nextAttemptAt ? 0 : Date.parse(d.nextAttemptAt);
    due = due === null ? at : Math.min(due, at);
  }
  return due;
}

export function DeliveryLogClient({ webhookId, enabled, deliveries }: { webhookId: string; enabled: boolean; deliveries: Delivery[] }) {
  const router = useRouter();
  // When the next attempt is due (0: one is running or overdue); null when nothing is pending.
  const nextDueAt = nextAttemptDue(deliveries);
  // New attempts appear without a reload: every 2 s while one is running or due soon, else once when the next is due
  // (retries back off to hours apart; a page left open must not reload every 2 s for a day).
  useEffect(() => {
    if (nextDueAt === null) return;
    const wait = nextDueAt - Date.now();
    if (wait <= 10_000) {
      const timer = setInterval(() => router.refresh(), 2000);
      return () => clearInterval(timer);
    }
    const timer = setTimeout(() => router.refresh(), Math.min(wait + 1000, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [nextDueAt, router]);

  return (
    <Card>
      <CardHeader
        title="Deliveries"
        description={enabled ? "Each event sent to this endpoint, with every attempt." : "This endpoint is disabled: it gets no events until it is enabled again."}
        action={
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => router.refresh()}>
              Refresh
            </Button>
            {enabled && <SendTestEvent webhookId={webhookId} />}
          </div>
        }
      />
      {deliveries.length === 0 ? (
        <EmptyState icon={<WebhookIcon />} title="No deliveries yet">
          Events this endpoint subscribes to appear here as they are sent. Send a test event to try your receiver.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
          {deliveries.map((d) => (
            <li key={d.deliveryId} className="px-5 py-4" data-testid="delivery">
              <div className="flex flex-wrap items-center justify-between gap-3">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-sm font-medium">{d.eventType}</span>
                  {statusBadge[d.status]}
                  {reasonLabel[d.reason]}
                  <span className="font-mono text-xs text-zinc-500" title={d.eventId}>
                    {d.eventId.slice(0, 12)}…
                  </span>
                </div>
                <div className="flex items-center gap-3 text-xs text-zinc-500 dark:text-zinc-400">
                  {d.nextAttemptAt && (
                    <span>
                      next attempt <FormattedDate iso={d.nextAttemptAt} />
                    </span>
                  )}
                  {enabled && <Redeliver webhookId={webhookId} eventId={d.eventId} />}
                </div>
              </div>
              <table className="mt-3 w-full text-left text-xs">
                <thead className="uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
                  <tr>
                    <th className="py-1.5 pr-3 font-medium">#</th>
                    <th className="py-1.5 pr-3 font-medium">Time</th>
                    <th className="py-1.5 pr-3 font-medium">Status</th>
                    <th className="py-1.5 pr-3 font-medium">Duration</th>
                    <th className="py-1.5 font-medium">Answer (first bytes)</th>
                  </tr>
                </thead>
                <tbody>
                  {d.attempts.map((a) => (
                    <tr key={a.attemptNumber} className="border-t border-zinc-100 align-top dark:border-zinc-800/60" data-testid="attempt">
                      <td className="py-1.5 pr-3 text-zinc-500">{a.attemptNumber}</td>
                      <td className="whitespace-nowrap py-1.5 pr-3">
                        <AttemptTime iso={a.startedAt} />
                      </td>
                      <td className="py-1.5 pr-3">
                        <AttemptStatus attempt={a} />
                      </td>
                      <td className="whitespace-nowrap py-1.5 pr-3 tabular-nums">{a.durationMs === null ? "—" : `${a.durationMs} ms`}</td>
                      <td className="py-1.5">
                        {a.error && <p className="text-red-600 dark:text-red-400">{a.error}</p>}
                        {a.responseExcerpt ? (
                          <pre className="max-h-24 max-w-xl overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 px-2 py-1 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300">
                            {a.responseExcerpt.slice(0, 300)}
                          </pre>
                        ) : (
                          !a.error && <span className="text-zinc-400">{a.finishedAt ? "(empty)" : "…"}</span>
                        )}
                      </td>
                    </tr>
                  ))}
                  {d.attempts.length === 0 && (
                    <tr className="border-t border-zinc-100 dark:border-zinc-800/60">
                      <td colSpan={5} className="py-1.5 text-zinc-500">
                        Waiting for the first attempt…
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Attempts can be seconds apart, so the log shows seconds; the ISO value until hydrated, as FormattedDate does. */
function AttemptTime({ iso }: { iso: string }) {
  const [text, setText] = useState(iso.slice(0, 19).replace("T", " ") + " UTC");
  useEffect(() => setText(new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" })), [iso]);
  return <time dateTime={iso}>{text}</time>;
}

function AttemptStatus({ attempt: a }: { attempt: Attempt }) {
  if (!a.finishedAt) return <Badge tone="gray">{a.ok === null ? "Sending" : "—"}</Badge>;
  if (a.statusCode === null) return <Badge tone="red">No answer</Badge>;
  return <Badge tone={a.ok ? "green" : "red"}>{a.statusCode}</Badge>;
}

function Redeliver({ webhookId, eventId }: { webhookId: string; eventId: string }) {
  const router = useRouter();
  const [state, action] = useActionState(redeliverEventAction, null);
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="webhookId" value={webhookId} />
      <input type="hidden" name="eventId" value={eventId} />
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <SubmitButton variant="secondary" pendingLabel="Queuing…">Redeliver</SubmitButton>
    </form>
  );
}

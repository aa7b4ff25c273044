"use client";
// Configure → Webhooks client island: endpoints, their secrets, enable/disable, test events.
import { useActionState, useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createWebhookAction, deleteWebhookAction, rotateWebhookSecretAction, sendTestEventAction, setWebhookEnabledAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { WebhookIcon } from "@/components/ui/icons";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
import { FormattedDate } from "@/components/ui/formatted-date";

export type EndpointView = {
  webhookId: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  previousSecretExpiresAt: string | null;
};

export function WebhooksClient({ endpoints, isAdmin, eventTypes, maxEndpoints }: { endpoints: EndpointView[]; isAdmin: boolean; eventTypes: string[]; maxEndpoints: number }) {
  return (
    <div className="space-y-6">
      {isAdmin ? (
        endpoints.length < maxEndpoints ? (
          <AddEndpoint eventTypes={eventTypes} />
        ) : (
          <Alert tone="info">Your account has {maxEndpoints} endpoints, the most it can have. Delete one to add another.</Alert>
        )
      ) : (
        <Alert tone="info">Only account admins can add, change or delete webhook endpoints, and see their delivery logs.</Alert>
      )}

      <Card>
        <CardHeader title="Endpoints" description={`${endpoints.length} of ${maxEndpoints}`} />
        {endpoints.length === 0 ? (
          <EmptyState icon={<WebhookIcon />} title="No webhook endpoints">
            Endpoints you add here receive signed events such as transcription.finished, with a log of every delivery attempt and a way to redeliver.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
            {endpoints.map((e) => (
              <EndpointRow key={e.webhookId} endpoint={e} isAdmin={isAdmin} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function AddEndpoint({ eventTypes }: { eventTypes: string[] }) {
  const router = useRouter();
  const [state, action] = useActionState(createWebhookAction, null);
  const [shown, setShown] = useState<{ url: string; secret: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  useEffect(() => {
    if (state?.ok) {
      setShown(state.data);
      setFormKey((k) => k + 1);
      router.refresh();
    }
  }, [state, router]);
  const errors = state && !state.ok ? state.fieldErrors ?? {} : {};
  const eventsError = Object.entries(errors).find(([path]) => path.startsWith("events"))?.[1];
  return (
    <Card>
      <CardHeader title="Add an endpoint" description="An https URL on your server. Verbatim signs every request; check the signature before you trust it." />
      <form key={formKey} action={action} className="space-y-4 px-5 py-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Endpoint URL" name="url" type="url" required placeholder="https://example.com/webhooks/verbatim" error={errors.url} />
          <Field label="Description" name="description" maxLength={200} placeholder="Optional, such as “CRM sync”" error={errors.description} />
        </div>
        <fieldset aria-describedby={eventsError ? "events-error" : undefined}>
          <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Events</legend>
          <div className="mt-2 grid gap-x-4 gap-y-2 sm:grid-cols-3">
            {eventTypes.map((type) => (
              <label key={type} className="flex items-center gap-2 font-mono text-xs text-zinc-700 dark:text-zinc-300">
                <input type="checkbox" name="events" value={type} defaultChecked={type.startsWith("transcription.")} className="size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500 dark:border-zinc-600 dark:bg-zinc-900" />
                {type}
              </label>
            ))}
          </div>
          {eventsError && (
            <p id="events-error" className="mt-1.5 text-xs font-medium text-red-600 dark:text-red-400">
              {eventsError}
            </p>
          )}
        </fieldset>
        {state && !state.ok && !state.fieldErrors && <Alert tone="error">{state.error}</Alert>}
        <SubmitButton pendingLabel="Adding…">Add endpoint</SubmitButton>
      </form>
      <SecretDialog
        title="Your endpoint's signing secret"
        description={<>Copy it now: it is shown only once. Your receiver checks the <code>Verbatim-Signature</code> header with it.</>}
        secret={shown?.secret ?? null}
        onClose={() => setShown(null)}
      />
    </Card>
  );
}

function SecretDialog({ title, description, secret, onClose }: { title: string; description: React.ReactNode; secret: string | null; onClose: () => void }) {
  return (
    <Dialog open={secret !== null} onOpenChange={(open) => !open && onClose()} title={title} description={description}>
      <div className="space-y-4">
        <code data-testid="webhook-secret" className="block break-all rounded-md bg-zinc-100 px-3 py-2.5 font-mono text-sm dark:bg-zinc-800">
          {secret}
        </code>
        <div className="flex justify-end gap-2">
          <CopyButton value={secret ?? ""} />
          <DialogClose asChild>
            <Button>Done</Button>
          </DialogClose>
        </div>
      </div>
    </Dialog>
  );
}

function EndpointRow({ endpoint: e, isAdmin }: { endpoint: EndpointView; isAdmin: boolean }) {
  return (
    <li className="flex flex-wrap items-start justify-between gap-4 px-5 py-4">
      <div className="min-w-0 flex-1 space-y-1.5">
        <div className="flex flex-wrap items-center gap-2">
          <span className="break-all font-mono text-sm font-medium">{e.url}</span>
          {e.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="gray">Disabled</Badge>}
          {e.previousSecretExpiresAt && <Badge tone="amber">Rotating</Badge>}
        </div>
        {e.description && <p className="text-sm text-zinc-600 dark:text-zinc-400">{e.description}</p>}
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {e.events.join(", ")} · added <FormattedDate iso={e.createdAt} withTime={false} />
          {e.previousSecretExpiresAt && (
            <>
              {" "}
              · the previous secret signs too until <FormattedDate iso={e.previousSecretExpiresAt} />
            </>
          )}
        </p>
      </div>
      {isAdmin && (
        <div className="flex flex-wrap items-center gap-1.5">
          <Link href={`/configure/webhooks/${e.webhookId}`} className={buttonClass("secondary")}>
            Delivery log
          </Link>
          {e.enabled && <SendTestEvent webhookId={e.webhookId} />}
          <ToggleEnabled webhookId={e.webhookId} enabled={e.enabled} />
          <RotateSecret webhookId={e.webhookId} url={e.url} />
          <DeleteEndpoint webhookId={e.webhookId} url={e.url} />
        </div>
      )}
    </li>
  );
}

export function SendTestEvent({ webhookId }: { webhookId: string }) {
  const router = useRouter();
  const [state, action] = useActionState(sendTestEventAction, null);
  useEffect(() => {
    if (state?.ok) router.push(`/configure/webhooks/${webhookId}`);
  }, [state, router, webhookId]);
  return (
    <form action={action}>
      <input type="hidden" name="webhookId" value={webhookId} />
      <SubmitButton variant="secondary" pendingLabel="Sending…">Send test event</SubmitButton>
      {state && !state.ok && <span role="alert" className="ml-2 text-xs text-red-600 dark:text-red-400">{state.error}</span>}
    </form>
  );
}

function ToggleEnabled({ webhookId, enabled }: { webhookId: string; enabled: boolean }) {
  const router = useRouter();
  const [state, action] = useActionState(setWebhookEnabledAction, null);
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action}>
      <input type="hidden" name="webhookId" value={webhookId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <SubmitButton variant="secondary" pendingLabel={enabled ? "Disabling…" : "Enabling…"}>{enabled ? "Disable" : "Enable"}</SubmitButton>
    </form>
  );
}

function RotateSecret({ webhookId, url }: { webhookId: string; url: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(rotateWebhookSecretAction, null);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (state?.ok) {
      setOpen(false);
      setShown(state.data.secret);
      router.refresh();
    }
  }, [state, router]);
  return (
    <>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        trigger={<Button variant="ghost">Rotate secret</Button>}
        title="Rotate the signing secret?"
        description={<>A new secret signs requests to {url} from now on. For 24 hours the current one signs too, and both signatures are sent, so you can update your receiver without missing events.</>}
      >
        <form action={action} className="flex justify-end gap-2">
          <input type="hidden" name="webhookId" value={webhookId} />
          {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <SubmitButton pendingLabel="Rotating…">Rotate secret</SubmitButton>
        </form>
      </Dialog>
      <SecretDialog title="Your new signing secret" description="Copy it now: it is shown only once. The previous secret keeps signing for 24 hours." secret={shown} onClose={() => setShown(null)} />
    </>
  );
}

function DeleteEndpoint({ webhookId, url }: { webhookId: string; url: string }) {
  return (
    <ConfirmActionDialog
      action={deleteWebhookAction}
      fields={{ webhookId }}
      trigger={<Button variant="dangerGhost">Delete</Button>}
      title="Delete this endpoint?"
      description={<>{url} will get no more events, pending retries stop, and its delivery log is deleted. This cannot be undone.</>}
      confirmLabel="Delete endpoint"
      pendingLabel="Deleting…"
    />
  );
}

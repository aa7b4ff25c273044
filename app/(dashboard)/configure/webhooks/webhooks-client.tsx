"use client";
// Configure → Webhooks client island: endpoints, their secrets, enable/disable, test events.
import { useActionState, useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { createWebhookAction, deleteWebhookAction, rotateWebhookSecretAction, sendTestEventAction, setWebhookEnabledAction, updateWebhookAction } from "./actions";
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
import { submitByHand, useDialogAction } from "@/components/ui/use-dialog-action";
import { FormattedDate } from "@/components/ui/formatted-date";

export type EndpointView = {
  webhookId: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  previousSecretExpiresAt: string | null;
  /** Deliveries in trouble over the last 24 hours; null when all got through. */
  health: { failed: number; retrying: number; lastFailure: { at: string; statusCode: number | null; error: string | null } | null } | null;
};

export type EventTypeView = { type: string; description: string };

export function WebhooksClient({ endpoints, isAdmin, eventTypes, maxEndpoints }: { endpoints: EndpointView[]; isAdmin: boolean; eventTypes: EventTypeView[]; maxEndpoints: number }) {
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
              <EndpointRow key={e.webhookId} endpoint={e} isAdmin={isAdmin} eventTypes={eventTypes} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

type EndpointValues = { url: string; description: string; events: string[] };

/**
 * The endpoint fields, controlled so that a refused form keeps the URL, description and events as typed; submitted
 * by hand because React resets a form after its action.
 */
function EndpointForm({
  eventTypes,
  initial,
  onSubmit,
  state,
  webhookId,
  submitLabel,
  pendingLabel,
  pending,
  footer,
}: {
  eventTypes: EventTypeView[];
  initial: EndpointValues;
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  state: { ok: boolean; error?: string; fieldErrors?: Record<string, string> } | null;
  webhookId?: string;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  footer?: React.ReactNode;
}) {
  const [values, setValues] = useState(initial);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const eventsError = Object.entries(errors).find(([path]) => path.startsWith("events"))?.[1];
  const idPrefix = webhookId ? `edit-${webhookId}` : "new";
  return (
    <form onSubmit={onSubmit} className="space-y-4">
      {webhookId && <input type="hidden" name="webhookId" value={webhookId} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id={`${idPrefix}-url`}
          label="Endpoint URL"
          name="url"
          type="url"
          required
          placeholder="https://example.com/webhooks/verbatim"
          value={values.url}
          onChange={(e) => setValues((v) => ({ ...v, url: e.target.value }))}
          error={errors.url}
        />
        <Field
          id={`${idPrefix}-description`}
          label="Description"
          name="description"
          maxLength={200}
          placeholder="Optional, such as “CRM sync”"
          value={values.description}
          onChange={(e) => setValues((v) => ({ ...v, description: e.target.value }))}
          error={errors.description}
        />
      </div>
      <fieldset aria-describedby={eventsError ? `${idPrefix}-events-error` : undefined}>
        <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Events</legend>
        <div className="mt-2 grid gap-x-4 gap-y-2.5 sm:grid-cols-2 lg:grid-cols-3">
          {eventTypes.map(({ type, description }) => (
            <label key={type} className="flex items-start gap-2">
              <input
                type="checkbox"
                name="events"
                value={type}
                checked={values.events.includes(type)}
                onChange={(e) => setValues((v) => ({ ...v, events: e.target.checked ? [...v.events, type] : v.events.filter((x) => x !== type) }))}
                aria-describedby={`${idPrefix}-${type}-about`}
                className="mt-0.5 size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500 dark:border-zinc-600 dark:bg-zinc-900"
              />
              <span className="min-w-0">
                <span className="block font-mono text-xs text-zinc-800 dark:text-zinc-200">{type}</span>
                <span id={`${idPrefix}-${type}-about`} className="block text-xs text-zinc-600 dark:text-zinc-400">
                  {description}
                </span>
              </span>
            </label>
          ))}
        </div>
        {eventsError && (
          <p id={`${idPrefix}-events-error`} className="mt-1.5 text-xs font-medium text-red-600 dark:text-red-400">
            {eventsError}
          </p>
        )}
      </fieldset>
      {state && !state.ok && !state.fieldErrors && <Alert tone="error">{state.error}</Alert>}
      <div className="flex flex-wrap items-center justify-end gap-2">
        {footer}
        <Button type="submit" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </form>
  );
}

function AddEndpoint({ eventTypes }: { eventTypes: EventTypeView[] }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(createWebhookAction, null);
  const [shown, setShown] = useState<{ url: string; secret: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  useEffect(() => {
    if (state?.ok) {
      setShown(state.data);
      // A fresh, empty form after a success; a refusal keeps what was typed.
      setFormKey((k) => k + 1);
      router.refresh();
    }
  }, [state, router]);
  return (
    <Card>
      <CardHeader
        title="Add an endpoint"
        description={
          <>
            An https URL on your server. Verbatim signs every request; check the signature before you trust it. Every event, its fields and a
            sample are in{" "}
            <Link href="/docs/webhooks" className="font-medium text-brand-700 underline dark:text-brand-100">
              the webhook events guide
            </Link>
            .
          </>
        }
      />
      <div className="px-5 py-4">
        <EndpointForm
          key={formKey}
          eventTypes={eventTypes}
          initial={{ url: "", description: "", events: eventTypes.filter((e) => e.type.startsWith("transcription.") && e.type !== "transcription.segment").map((e) => e.type) }}
          onSubmit={submitByHand(action)}
          state={formKey > 0 && state?.ok ? null : state}
          submitLabel="Add endpoint"
          pendingLabel="Adding…"
          pending={pending}
        />
      </div>
      <SecretDialog
        title="Your endpoint's signing secret"
        description={<>Copy it now: it is shown only once. Your receiver checks the <code>Verbatim-Signature</code> header with it.</>}
        secret={shown?.secret ?? null}
        onClose={() => setShown(null)}
      />
    </Card>
  );
}

function EditEndpoint({ endpoint, eventTypes }: { endpoint: EndpointView; eventTypes: EventTypeView[] }) {
  const { open, setOpen, state, pending, onSubmit } = useDialogAction(updateWebhookAction);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={<Button variant="secondary">Edit</Button>}
      title="Edit endpoint"
      description="The signing secret stays the same, so your receiver keeps verifying without a change."
    >
      <EndpointForm
        eventTypes={eventTypes}
        initial={{ url: endpoint.url, description: endpoint.description, events: endpoint.events }}
        onSubmit={onSubmit}
        state={state}
        webhookId={endpoint.webhookId}
        submitLabel="Save endpoint"
        pendingLabel="Saving…"
        pending={pending}
        footer={
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
        }
      />
    </Dialog>
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

function EndpointRow({ endpoint: e, isAdmin, eventTypes }: { endpoint: EndpointView; isAdmin: boolean; eventTypes: EventTypeView[] }) {
  return (
    <li className="flex flex-wrap items-start justify-between gap-4 px-4 py-4 md:px-5" data-testid="webhook-endpoint">
      <div className="min-w-0 flex-1 space-y-1.5">
        <div className="flex flex-wrap items-center gap-2">
          <span className="break-all font-mono text-sm font-medium">{e.url}</span>
          {e.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="gray">Disabled</Badge>}
          {e.previousSecretExpiresAt && <Badge tone="amber">Rotating</Badge>}
          {e.health && (e.health.failed > 0 || e.health.retrying > 0) && <Badge tone="red">Deliveries failing</Badge>}
        </div>
        {e.health && (e.health.failed > 0 || e.health.retrying > 0) && (
          <p className="text-sm text-red-700 dark:text-red-300" data-testid="endpoint-health">
            In the last 24 hours: {e.health.failed > 0 && `${e.health.failed} event${e.health.failed === 1 ? "" : "s"} given up on`}
            {e.health.failed > 0 && e.health.retrying > 0 && ", "}
            {e.health.retrying > 0 && `${e.health.retrying} being retried`}.
            {e.health.lastFailure && (
              <>
                {" "}
                Last failure <FormattedDate iso={e.health.lastFailure.at} />:{" "}
                {e.health.lastFailure.statusCode !== null ? `answered ${e.health.lastFailure.statusCode}` : (e.health.lastFailure.error ?? "no answer")}.
              </>
            )}
          </p>
        )}
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
          <EditEndpoint endpoint={e} eventTypes={eventTypes} />
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

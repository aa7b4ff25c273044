"use client";
// Configure → API keys client island: the list, the create form and the one-time key display.
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { KeyIcon } from "@/components/ui/icons";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
import { FormattedDate } from "@/components/ui/formatted-date";

type Key = { id: string; name: string; displayPrefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; createdBy: string | null };

export function ApiKeysClient({ keys, isAdmin }: { keys: Key[]; isAdmin: boolean }) {
  const router = useRouter();
  const [created, createAction] = useActionState(createApiKeyAction, null);
  const [shown, setShown] = useState<{ key: string; name: string } | null>(null);
  useEffect(() => {
    if (created?.ok) {
      setShown(created.data);
      router.refresh();
    }
  }, [created, router]);

  return (
    <div className="space-y-6">
      {isAdmin ? (
        <Card>
          <CardHeader title="Create a key" description="Name it for where it will be used, such as “Production backend”." />
          <form action={createAction} className="flex flex-wrap items-end gap-3 px-5 py-4">
            <Field label="Key name" name="name" required maxLength={80} className="w-full sm:w-72" error={created && !created.ok ? created.fieldErrors?.name : undefined} />
            <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
            {created && !created.ok && !created.fieldErrors && <Alert tone="error" className="w-full">{created.error}</Alert>}
          </form>
        </Card>
      ) : (
        <Alert tone="info">Only account admins can create or revoke API keys.</Alert>
      )}

      <Dialog open={shown !== null} onOpenChange={(open) => !open && setShown(null)} title="Your new API key" description="Copy it now: it is shown only once, and Verbatim keeps only a hash of it.">
        <div className="space-y-4">
          <code data-testid="new-api-key" className="block break-all rounded-md bg-zinc-100 px-3 py-2.5 font-mono text-sm dark:bg-zinc-800">
            {shown?.key}
          </code>
          <div className="flex justify-end gap-2">
            <CopyButton value={shown?.key ?? ""} />
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </div>
        </div>
      </Dialog>

      <Card>
        <CardHeader title="Keys" />
        {keys.length === 0 ? (
          <EmptyState icon={<KeyIcon />} title="No API keys yet">
            Keys you create appear here with when they were last used. Send one as <code>Authorization: Bearer &lt;key&gt;</code>; the API is
            described at <a className="text-brand-600 underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a>.
          </EmptyState>
        ) : (
          <table className="w-full text-left text-sm max-md:block">
            <thead className="text-xs uppercase tracking-wide text-zinc-600 max-md:sr-only dark:text-zinc-400">
              <tr className="border-b border-zinc-200 dark:border-zinc-800">
                <th className="px-5 py-2.5 font-medium">Name</th>
                <th className="px-5 py-2.5 font-medium">Key</th>
                <th className="px-5 py-2.5 font-medium">Created</th>
                <th className="px-5 py-2.5 font-medium">Last used</th>
                <th className="px-5 py-2.5 font-medium">Status</th>
                <th className="px-5 py-2.5"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            {/* Below md each key is a card: name and status, then its details with their labels. */}
            <tbody className="max-md:block">
              {keys.map((k) => (
                <tr key={k.id} className="border-b border-zinc-100 last:border-0 max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-x-3 max-md:gap-y-1 max-md:px-4 max-md:py-3 dark:border-zinc-800/60">
                  <td className="px-5 py-3 font-medium max-md:p-0">{k.name}</td>
                  <td className="px-5 py-3 font-mono text-xs text-zinc-600 max-md:p-0 dark:text-zinc-400">{k.displayPrefix}…</td>
                  <td className="px-5 py-3 text-zinc-600 max-md:w-full max-md:p-0 max-md:text-xs dark:text-zinc-400">
                    <span className="md:hidden">Created </span>
                    <FormattedDate iso={k.createdAt} />
                    {k.createdBy && <span className="text-xs text-zinc-500 md:block dark:text-zinc-400"> by {k.createdBy}</span>}
                  </td>
                  <td className="px-5 py-3 text-zinc-600 max-md:w-full max-md:p-0 max-md:text-xs dark:text-zinc-400">
                    <span className="md:hidden">Last used </span>
                    {k.lastUsedAt ? <FormattedDate iso={k.lastUsedAt} /> : "Never"}
                  </td>
                  <td className="px-5 py-3 max-md:order-first max-md:p-0">{k.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="green">Active</Badge>}</td>
                  <td className="px-5 py-3 text-right max-md:-ml-3 max-md:p-0">{isAdmin && !k.revokedAt && <RevokeKey keyId={k.id} name={k.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function RevokeKey({ keyId, name }: { keyId: string; name: string }) {
  return (
    <ConfirmActionDialog
      action={revokeApiKeyAction}
      fields={{ keyId }}
      trigger={<Button variant="dangerGhost">Revoke</Button>}
      title={`Revoke “${name}”?`}
      description="Requests with this key will be refused at once. This cannot be undone."
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
    />
  );
}

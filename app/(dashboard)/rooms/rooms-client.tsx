"use client";
// The rooms page's client island: the list with links and settings, and the create-room form.
import { startTransition, useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { createRoomAction, deleteRoomAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RoomIcon } from "@/components/ui/icons";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import { MAX_VOCABULARY_ENTRIES } from "@/lib/speech/types";
import { vocabularyFieldError } from "@/lib/speech/vocabulary";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
import { FormattedDate } from "@/components/ui/formatted-date";

export type SettingView = { field: string; label: string; value: string; source: "room" | "account" };

export type RoomView = {
  id: string;
  roomName: string;
  roomUrl: string;
  /** Admins only. */
  hostRoomUrl: string | null;
  endDate: string;
  open: boolean;
  sessions: number;
  roomMode: "normal" | "group";
  isLocked: boolean;
  settings: SettingView[];
};

export type CreateOptions = {
  engineNames: string[];
  languages: { code: string; name: string }[];
  accountDefaults: { language: string; startTrigger: string; vocabulary: string; storage: string };
};

export function RoomsClient({ rooms, isAdmin, options }: { rooms: RoomView[]; isAdmin: boolean; options: CreateOptions }) {
  const [createOpen, setCreateOpen] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      {created && (
        <Alert tone="success">
          Room <span className="font-mono">{created}</span> created.
        </Alert>
      )}
      <Card>
        <CardHeader
          title="Your rooms"
          description={
            <>
              Settings marked <Badge tone="brand">Room</Badge> are the room&rsquo;s own; <Badge>Account</Badge> ones follow your account&rsquo;s defaults (the
              language is fixed when a room is created).
            </>
          }
          action={
            isAdmin && (
              <Dialog
                open={createOpen}
                onOpenChange={setCreateOpen}
                trigger={<Button className="shrink-0 whitespace-nowrap">Create room</Button>}
                title="Create a room"
                description="Like POST /api/v1/meetings. Leave an override on “Account default” to follow your account’s settings."
              >
                <CreateRoomForm
                  options={options}
                  onCreated={(roomName) => {
                    setCreated(roomName);
                    setCreateOpen(false);
                  }}
                />
              </Dialog>
            )
          }
        />
        {rooms.length === 0 ? (
          <EmptyState icon={<RoomIcon />} title="No rooms yet">
            Rooms created here or through the API (<code>POST /api/v1/meetings</code>) appear with their links, end date, sessions held and the
            transcription settings they use.
          </EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase tracking-wide text-zinc-500">
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th className="px-5 py-2.5 font-medium">Room</th>
                  <th className="px-5 py-2.5 font-medium">Transcription settings</th>
                  <th className="px-5 py-2.5 font-medium">Ends</th>
                  <th className="px-5 py-2.5 text-right font-medium">Sessions</th>
                  <th className="px-5 py-2.5">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rooms.map((room) => (
                  <RoomRow key={room.id} room={room} isAdmin={isAdmin} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

function RoomRow({ room, isAdmin }: { room: RoomView; isAdmin: boolean }) {
  return (
    <tr data-testid="room-row" className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/60">
      <td className="px-5 py-3">
        <div className="flex flex-wrap items-center gap-1.5">
          <a href={room.roomUrl} className="break-all font-mono text-xs font-medium text-zinc-900 hover:underline dark:text-zinc-100">
            {room.roomName}
          </a>
          {room.roomMode === "group" && <Badge>Group</Badge>}
          {room.isLocked && <Badge tone="amber">Locked</Badge>}
        </div>
        <div className="mt-2 flex flex-wrap gap-2">
          <CopyButton value={room.roomUrl} label="Copy room link" />
          {room.hostRoomUrl && <CopyButton value={room.hostRoomUrl} label="Copy host link" />}
        </div>
      </td>
      <td className="px-5 py-3">
        <dl className="grid min-w-72 grid-cols-[auto_1fr_auto] items-baseline gap-x-3 gap-y-1.5">
          {room.settings.map((s) => (
            <div key={s.field} data-testid={`setting-${s.field}`} data-source={s.source} className="contents">
              <dt className="text-zinc-500 dark:text-zinc-400">{s.label}</dt>
              <dd className="[overflow-wrap:anywhere]">{s.value}</dd>
              <dd>{s.source === "room" ? <Badge tone="brand">Room</Badge> : <Badge>Account</Badge>}</dd>
            </div>
          ))}
        </dl>
      </td>
      <td className="whitespace-nowrap px-5 py-3 text-zinc-600 dark:text-zinc-400">
        <FormattedDate iso={room.endDate} />
        {!room.open && (
          <span className="mt-1 block">
            <Badge tone="red">Ended</Badge>
          </span>
        )}
      </td>
      <td className="px-5 py-3 text-right tabular-nums">{room.sessions}</td>
      <td className="px-5 py-3 text-right">{isAdmin && <DeleteRoom roomId={room.id} roomName={room.roomName} />}</td>
    </tr>
  );
}

/** `2026-12-01T12:00` in the viewer's time zone, a week from now on the hour, for the datetime-local input. */
function defaultEndLocal(): string {
  const d = new Date(Date.now() + 7 * 24 * 3600_000);
  d.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toIso(local: string): string {
  const time = new Date(local).getTime();
  return Number.isNaN(time) ? "" : new Date(time).toISOString();
}

const emptyForm = {
  roomNamePrefix: "",
  roomMode: "normal",
  isLocked: false,
  language: "",
  startTrigger: "",
  vocabulary: "",
  destination: "",
  bucket: "",
  region: "",
  accessKeyId: "",
  accessKeySecret: "",
  endpoint: "",
};
type FormValues = typeof emptyForm;
type TextField = Exclude<keyof FormValues, "isLocked">;

function CreateRoomForm({ options, onCreated }: { options: CreateOptions; onCreated: (roomName: string) => void }) {
  const router = useRouter();
  const [state, action, pending] = useActionState(createRoomAction, null);
  const [endLocal, setEndLocal] = useState(defaultEndLocal);
  // Controlled fields, so that a refused form keeps what was typed.
  const [values, setValues] = useState<FormValues>(emptyForm);
  const bind = (name: TextField) => ({
    name,
    value: values[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });
  useEffect(() => {
    if (state?.ok) {
      onCreated(state.data.roomName);
      router.refresh();
    }
  }, [state, router, onCreated]);

  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const err = (path: string) => errors[path];
  const d = "liveTranscription.destination.";
  const shownPaths = ["endDate", "roomNamePrefix", "roomMode", "isLocked", "liveTranscription.language", "liveTranscription.startTrigger", `${d}provider`, `${d}bucket`, `${d}region`, `${d}accessKeyId`, `${d}accessKeySecret`, `${d}endpoint`];
  const otherErrors = Object.entries(errors).filter(([path]) => !shownPaths.includes(path));

  return (
    <form
      // Submitted by hand rather than with action={...}: React resets a form after its action, and would empty the
      // selects of a refused form even though they are controlled.
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => action(data));
      }}
      className="space-y-4"
    >
      {/* The fields scroll on short screens; the buttons below stay in view. */}
      <div className="-mx-1 max-h-[60vh] space-y-4 overflow-y-auto px-1 pb-1">
        <Field
          label="End date"
          name="endDateLocal"
          id="field-endDate"
          type="datetime-local"
          required
          value={endLocal}
          onChange={(e) => setEndLocal(e.target.value)}
          hint="The room accepts new sessions until one hour after this time."
          error={err("endDate")}
        />
        <input type="hidden" name="endDate" value={toIso(endLocal)} />
        <Field
          label="Room name prefix (optional)"
          {...bind("roomNamePrefix")}
          maxLength={39}
          pattern="[a-z0-9]{0,39}"
          placeholder="sales"
          hint="Up to 39 lowercase letters and digits; a random part always follows."
          error={err("roomNamePrefix")}
        />
        <div className="grid grid-cols-2 gap-3">
          <SelectField label="Room mode" {...bind("roomMode")} error={err("roomMode")}>
            <option value="normal">Normal</option>
            <option value="group">Group</option>
          </SelectField>
          <label className="flex items-center gap-2 self-end pb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">
            <input
              type="checkbox"
              name="isLocked"
              checked={values.isLocked}
              onChange={(e) => setValues((v) => ({ ...v, isLocked: e.target.checked }))}
              className="size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500"
            />
            Locked
          </label>
        </div>

        <fieldset className="space-y-3 rounded-lg p-3 ring-1 ring-zinc-200 dark:ring-zinc-800">
          <legend className="px-1 text-sm font-semibold">Transcription override</legend>
          <SelectField
            label="Language"
            {...bind("language")}
            hint={`Fixed once the room is created. The speech engines of this server (${options.engineNames.join(", ") || "none"}) support: ${options.languages.map((l) => l.name).join(", ") || "no language"}.`}
            error={err("liveTranscription.language")}
          >
            <option value="">Account default ({options.accountDefaults.language})</option>
            {options.languages.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name} ({l.code})
              </option>
            ))}
          </SelectField>
          <TextAreaField
            label="Vocabulary"
            {...bind("vocabulary")}
            rows={3}
            placeholder={"One word or phrase per line, such as names and product terms"}
            hint={`Up to ${MAX_VOCABULARY_ENTRIES} words or phrases the speech engine is given as hints. Empty: the account default${options.accountDefaults.vocabulary ? ` (${options.accountDefaults.vocabulary})` : " (none)"}.`}
            error={vocabularyFieldError(errors, "liveTranscription.vocabulary")}
          />
          <SelectField label="Start trigger" {...bind("startTrigger")} error={err("liveTranscription.startTrigger")}>
            <option value="">Account default ({options.accountDefaults.startTrigger})</option>
            <option value="manual">Manual: the host starts and stops</option>
            <option value="automatic">Auto-start, 1 person</option>
            <option value="automatic-2nd-participant">Auto-start, 2 people</option>
            <option value="none">None: no transcription in this room</option>
          </SelectField>
          <SelectField label="Storage" {...bind("destination")} error={err(`${d}provider`)}>
            <option value="">Account default ({options.accountDefaults.storage})</option>
            <option value="hosted">Hosted</option>
            <option value="s3">Your S3 bucket</option>
          </SelectField>
          {values.destination === "s3" && (
            <div className="space-y-3">
              <Field label="Bucket" {...bind("bucket")} required placeholder="my-bucket/optional/prefix" error={err(`${d}bucket`)} />
              <Field label="Region" {...bind("region")} required placeholder="eu-west-1" error={err(`${d}region`)} />
              <Field label="Access key id" {...bind("accessKeyId")} required autoComplete="off" error={err(`${d}accessKeyId`)} />
              <Field
                label="Secret access key"
                {...bind("accessKeySecret")}
                type="password"
                required
                autoComplete="new-password"
                hint="Stored encrypted; never shown again."
                error={err(`${d}accessKeySecret`)}
              />
              <Field label="Endpoint (optional)" {...bind("endpoint")} placeholder="https://s3.example.com" hint="For S3-compatible stores; empty for AWS." error={err(`${d}endpoint`)} />
            </div>
          )}
        </fieldset>
      </div>

      {state && !state.ok && (!state.fieldErrors || otherErrors.length > 0) && (
        <Alert tone="error">{otherErrors.length > 0 ? otherErrors.map(([, message]) => message).join(" ") : state.error}</Alert>
      )}
      <div className="flex justify-end gap-2">
        <DialogClose asChild>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <Button type="submit" disabled={pending} aria-disabled={pending}>
          {pending ? "Creating…" : "Create room"}
        </Button>
      </div>
    </form>
  );
}

function DeleteRoom({ roomId, roomName }: { roomId: string; roomName: string }) {
  return (
    <ConfirmActionDialog
      action={deleteRoomAction}
      fields={{ roomId }}
      trigger={
        <Button variant="dangerGhost" aria-label={`Delete ${roomName}`}>
          Delete
        </Button>
      }
      title="Delete this room?"
      description={
        <>
          <span className="break-all font-mono">{roomName}</span> will accept no new sessions and its links stop working. Transcripts of past sessions stay.
        </>
      }
      confirmLabel="Delete room"
      pendingLabel="Deleting…"
    />
  );
}

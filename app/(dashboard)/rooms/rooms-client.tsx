"use client";
// The rooms page's client island: the list with links and settings, and the create-room form.
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import Link from "next/link";
import { createRoomAction, deleteRoomAction, renameRoomAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RoomIcon } from "@/components/ui/icons";
import { Field, SelectField, TextAreaField, inputClass } from "@/components/ui/field";
import { MAX_VOCABULARY_ENTRIES } from "@/lib/speech/types";
import { vocabularyFieldError } from "@/lib/speech/vocabulary";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogActions, DialogClose } from "@/components/ui/dialog";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
import { submitByHand, useDialogAction } from "@/components/ui/use-dialog-action";
import { FormattedDate } from "@/components/ui/formatted-date";
import { accountStartTriggers, startTriggerLabels } from "@/lib/start-triggers";

export type SettingView = { field: string; label: string; value: string; source: "room" | "account" };

export type RoomView = {
  id: string;
  title: string | null;
  roomName: string;
  roomUrl: string;
  /** null when the viewer may not have it (the host link grants the host role). */
  hostRoomUrl: string | null;
  endDate: string;
  open: boolean;
  /** Someone is in the room now. */
  live: boolean;
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

// Mode comes from the meeting API this one follows (Verbatim transcribes every room alike); a lock is enforced.
const modeAndLockNote =
  "Locked: only the host (with the host link) and people already admitted can join; others with the room link are refused. Room mode (Normal or Group) is kept for apps written against the meeting API Verbatim follows; every room is transcribed the same way.";

export function RoomsClient({
  rooms,
  isAdmin,
  options,
  search,
  openCreate,
}: {
  rooms: RoomView[];
  isAdmin: boolean;
  options: CreateOptions;
  search: string;
  openCreate: boolean;
}) {
  const [createOpen, setCreateOpen] = useState(openCreate && isAdmin);
  const [created, setCreated] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      {created && <Alert tone="success">Room {created} created.</Alert>}
      <Card>
        <div className="flex flex-wrap items-end justify-between gap-3 border-b border-zinc-200 px-4 py-3 md:px-5 dark:border-zinc-800">
          <form role="search" action="/rooms" className="flex w-full min-w-0 items-end gap-2 sm:w-auto sm:max-w-md sm:flex-1">
            <div className="min-w-0 flex-1">
              <label htmlFor="room-search" className="mb-1.5 block text-sm font-medium">
                Find a room
              </label>
              <input id="room-search" name="q" type="search" defaultValue={search} placeholder="Name or link" maxLength={200} className={inputClass} />
            </div>
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
          {isAdmin && (
            <Dialog
              open={createOpen}
              onOpenChange={setCreateOpen}
              trigger={<Button className="shrink-0 whitespace-nowrap">Create room</Button>}
              title="Create a room"
              description="Name the room and choose until when it is open. Transcription follows your account’s settings unless you change them here."
            >
              <CreateRoomForm
                options={options}
                onCreated={(label) => {
                  setCreated(label);
                  setCreateOpen(false);
                }}
              />
            </Dialog>
          )}
        </div>
        {rooms.length === 0 ? (
          search ? (
            <EmptyState
              icon={<RoomIcon />}
              title="No room matches"
              action={
                <Link href="/rooms" className={buttonClass("secondary")}>
                  Show all rooms
                </Link>
              }
            >
              No room name or link contains “{search}”.
            </EmptyState>
          ) : (
            <EmptyState
              icon={<RoomIcon />}
              title="No rooms yet"
              action={isAdmin ? <Button onClick={() => setCreateOpen(true)}>Create your first room</Button> : undefined}
            >
              {isAdmin
                ? "A room is a link people open in their browser to talk and be transcribed. Create one, then join it as host."
                : "An admin of your account creates rooms; they appear here with their links."}
            </EmptyState>
          )
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
            {rooms.map((room) => (
              <RoomRow key={room.id} room={room} isAdmin={isAdmin} />
            ))}
          </ul>
        )}
        {rooms.length > 0 && (
          <p className="border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-600 md:px-5 dark:border-zinc-800 dark:text-zinc-400">
            Settings marked <Badge tone="brand">Room</Badge> are the room&rsquo;s own; <Badge>Account</Badge> ones follow your account&rsquo;s defaults (the
            language is fixed when a room is created).
          </p>
        )}
      </Card>
    </div>
  );
}

function RoomRow({ room, isAdmin }: { room: RoomView; isAdmin: boolean }) {
  const transcriptsHref = `/transcriptions?room=${encodeURIComponent(room.roomName)}`;
  return (
    <li data-testid="room-row" className="grid gap-4 px-4 py-4 md:grid-cols-[minmax(0,1fr)_minmax(16rem,20rem)] md:px-5">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <h3 className="min-w-0 break-words text-base font-semibold" data-testid="room-title">
            {room.title ?? <span className="font-normal italic text-zinc-500 dark:text-zinc-400">Untitled room</span>}
          </h3>
          {room.live && (
            <Badge tone="red">
              <span className="size-1.5 animate-pulse rounded-full bg-red-500" aria-hidden />
              Live now
            </Badge>
          )}
          {!room.open && <Badge tone="gray">Ended</Badge>}
          {room.roomMode === "group" && (
            <span title={modeAndLockNote}>
              <Badge>Group</Badge>
            </span>
          )}
          {room.isLocked && (
            <span title={modeAndLockNote}>
              <Badge tone="amber">Locked</Badge>
            </span>
          )}
        </div>
        <a href={room.roomUrl} className="mt-0.5 block break-all font-mono text-xs text-zinc-600 hover:underline dark:text-zinc-400">
          {room.roomName}
        </a>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {room.open ? "Open until " : "Ended "}
          <FormattedDate iso={room.endDate} /> ·{" "}
          <Link href={transcriptsHref} className="font-medium text-brand-700 hover:underline dark:text-brand-100" data-testid="room-sessions">
            {room.sessions} session{room.sessions === 1 ? "" : "s"}
          </Link>
        </p>
        <div className="mt-3 flex flex-wrap gap-2">
          {room.open && (
            <a href={room.roomUrl} target="_blank" rel="noopener" className={buttonClass("secondary")}>
              Open room
            </a>
          )}
          {room.open && room.hostRoomUrl && (
            <a href={room.hostRoomUrl} target="_blank" rel="noopener" className={buttonClass("primary")}>
              Join as host
            </a>
          )}
          <CopyButton value={room.roomUrl} label="Copy room link" />
          {room.hostRoomUrl && <CopyButton value={room.hostRoomUrl} label="Copy host link" />}
          {isAdmin && <RenameRoom room={room} />}
          {isAdmin && <DeleteRoom roomId={room.id} roomName={room.title ?? room.roomName} />}
        </div>
      </div>
      <dl className="grid grid-cols-[auto_1fr_auto] items-baseline gap-x-3 gap-y-1.5 self-start rounded-lg bg-zinc-50 px-3 py-2.5 text-sm dark:bg-zinc-800/40">
        {room.settings.map((s) => (
          <div key={s.field} data-testid={`setting-${s.field}`} data-source={s.source} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{s.label}</dt>
            <dd className="[overflow-wrap:anywhere]">{s.value}</dd>
            <dd>{s.source === "room" ? <Badge tone="brand">Room</Badge> : <Badge>Account</Badge>}</dd>
          </div>
        ))}
      </dl>
    </li>
  );
}

function RenameRoom({ room }: { room: RoomView }) {
  const [title, setTitle] = useState(room.title ?? "");
  const { open, setOpen, state, pending, onSubmit } = useDialogAction(renameRoomAction);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="ghost" aria-label={`Rename ${room.title ?? room.roomName}`}>
          Rename
        </Button>
      }
      title="Rename room"
      description="The name people see on the Rooms page and as the title of this room’s transcripts. The room link stays the same."
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <input type="hidden" name="roomId" value={room.id} />
        <Field label="Room name" name="title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} placeholder="Weekly sync" error={state && !state.ok ? (state.fieldErrors?.title ?? state.error) : undefined} />
        <DialogActions pending={pending} submitLabel="Save name" pendingLabel="Saving…" />
      </form>
    </Dialog>
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
  title: "",
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

function CreateRoomForm({ options, onCreated }: { options: CreateOptions; onCreated: (label: string) => void }) {
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
      onCreated(state.data.title ? `“${state.data.title}” (${state.data.roomName})` : state.data.roomName);
      router.refresh();
    }
  }, [state, router, onCreated]);

  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const err = (path: string) => errors[path];
  const d = "liveTranscription.destination.";
  const shownPaths = ["title", "endDate", "roomNamePrefix", "roomMode", "isLocked", "liveTranscription.language", "liveTranscription.startTrigger", `${d}provider`, `${d}bucket`, `${d}region`, `${d}accessKeyId`, `${d}accessKeySecret`, `${d}endpoint`];
  const otherErrors = Object.entries(errors).filter(([path]) => !shownPaths.includes(path));

  return (
    <form onSubmit={submitByHand(action)} className="space-y-4">
      {/* The fields scroll on short screens; the buttons below stay in view. */}
      <div className="-mx-1 max-h-[60vh] space-y-4 overflow-y-auto px-1 pb-1">
        <Field label="Room name" {...bind("title")} maxLength={120} placeholder="Weekly sync" hint="What people will recognise it by; you can change it later." error={err("title")} />
        <Field
          label="Open until"
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
          label="Link prefix (optional)"
          {...bind("roomNamePrefix")}
          maxLength={39}
          pattern="[a-z0-9]{0,39}"
          placeholder="sales"
          hint="Starts the room link, such as /r/sales-…: up to 39 lowercase letters and digits. A random part always follows, so the link cannot be guessed."
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
          <p className="col-span-2 -mt-1 text-xs text-zinc-600 dark:text-zinc-400">{modeAndLockNote}</p>
        </div>

        <fieldset className="space-y-3 rounded-lg p-3 ring-1 ring-zinc-200 dark:ring-zinc-800">
          <legend className="px-1 text-sm font-semibold">Transcription</legend>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">Each choice left on “Account default” follows Configure → Transcription, including later changes.</p>
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
            {[...accountStartTriggers, "none" as const].map((trigger) => (
              <option key={trigger} value={trigger}>
                {startTriggerLabels[trigger]}
              </option>
            ))}
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

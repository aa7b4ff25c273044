// The transcription-phase migration on both databases: rows in the old shape (state, ended_at, next_upload_at,
// upload_attempts) get the phase, claim and due time they meant, and `state` stays what it was.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "./client";
import { migrationsFolder, runMigrations } from "./migrate";
import { TEST_POSTGRES_URL } from "./testing";

/** The migrations folder as it was before `tag` (journal cut there). */
function foldersBefore(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-migrations-"));
  fs.cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8"));
  const at = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

const OLD_ROWS: [string, string, boolean, number, boolean][] = [
  // name, state, ended, upload attempts, next_upload_at set
  ["running", "in_progress", false, 0, false],
  ["saving", "in_progress", true, 0, true],
  ["retrying", "in_progress", true, 2, true],
  ["ready", "ready", true, 0, false],
  ["engine", "failed", true, 0, false],
  ["bucket", "failed", true, 7, false],
];

async function check(open: () => Promise<DbHandle>) {
  const before = foldersBefore("0010_segment_keys_and_transcription_phase");
  const handle = await open();
  try {
    await runMigrations(handle, before);
    await handle.execute(`insert into accounts (id, name) values ('00000000-0000-4000-8000-000000000001', 'a')`);
    await handle.execute(
      `insert into rooms (id, account_id, room_name, room_key_sealed, start_date, end_date, language, created_at) values ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', '/r', 'x', now(), now(), 'en', now())`,
    );
    await handle.execute(
      `insert into room_sessions (id, account_id, room_id, started_at) values ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', now())`,
    );
    const due = new Date(Date.now() + 60_000).toISOString();
    for (const [name, state, ended, attempts, next] of OLD_ROWS) {
      await handle.execute(
        `insert into transcriptions (account_id, room_session_id, room_name, language, state, started_at, ended_at, filename, storage_type, destination, upload_attempts, next_upload_at)
         values ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', $1, 'en', $2, now(), $3, 'f.md', 'HOSTED', '{}', $4, $5)`,
        [name, state, ended ? new Date().toISOString() : null, attempts, next ? due : null],
      );
    }
    await runMigrations(handle);
    const rows = await handle.execute(`select room_name, state, phase, claimed_until, upload_due_at from transcriptions order by room_name`);
    const by = Object.fromEntries(rows.map((r) => [r.room_name, r]));
    expect(Object.fromEntries(rows.map((r) => [r.room_name, [r.state, r.phase]]))).toEqual({
      running: ["in_progress", "running"],
      saving: ["in_progress", "saving"],
      retrying: ["in_progress", "upload_retrying"],
      ready: ["ready", "ready"],
      engine: ["failed", "start_failed"],
      bucket: ["failed", "upload_failed"],
    });
    // The claim and the due time, apart.
    expect(by.saving.claimed_until).not.toBeNull();
    expect(by.saving.upload_due_at).toBeNull();
    expect(by.retrying.upload_due_at).not.toBeNull();
    expect(by.retrying.claimed_until).toBeNull();
  } finally {
    await handle.close();
    fs.rmSync(before, { recursive: true, force: true });
  }
}

describe("the transcription-phase migration backfills from the old columns", () => {
  it("on PGlite", () => check(() => openDatabase({ pgliteMemory: true })));

  const name = `verbatim_mig_${randomBytes(5).toString("hex")}`;
  let admin: { unsafe(q: string): Promise<unknown>; end(): Promise<void> } | undefined;
  afterAll(async () => {
    await admin?.unsafe(`drop database if exists ${name} with (force)`);
    await admin?.end();
  });
  it("on PostgreSQL", async () => {
    const { default: postgres } = await import("postgres");
    admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    await check(() => openDatabase({ url: url.toString() }));
  });
});

// Downloads from the room page through the routes: who gets signed links to a session's transcript, and what a link
// opens (the file), an altered one (403) and an expired one (410).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { saveAccountSettings } from "@/lib/settings/save-settings";
import { downloadLinkKey, signDownloadLink } from "@/lib/transcripts/download-links";
import * as downloadRoute from "../downloads/[transcriptionId]/[format]/route";
import { callRoute, newAccount, newRoom, setUpPipelineEnv, someoneSpoke, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

/** Opens a link as a browser would, through the download route. */
async function open(url: string) {
  const u = new URL(url);
  const [, , , , transcriptionId, format] = u.pathname.split("/");
  const res = await downloadRoute.GET(new Request(url), { params: Promise.resolve({ transcriptionId, format }) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describeEachDatabase("downloads from the room page", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });
  const join = (name: string, body: Record<string, unknown>) => callRoute("POST", `/rooms/${name}/participants`, { json: body });
  const links = (name: string, id: string, opts: { token?: string; key?: string; json?: unknown } = {}) =>
    callRoute("POST", `/rooms/${name}/transcriptions/${id}/download-links`, opts);

  /** A manual room where the host starts, someone speaks, and the host stops: returns the finished transcription. */
  async function session(live: Record<string, unknown>) {
    const room = await newRoom(db(), acct, { startTrigger: "manual", ...live });
    const host = await join(room.name, { participantId: "h", displayName: "Hana Host", roomKey: room.roomKey });
    const guest = await join(room.name, { participantId: "g", displayName: "Gus Guest" });
    const started = await callRoute("POST", `/rooms/${room.name}/transcription/start`, { token: host.json.participantToken });
    const transcriptionId = started.json.transcription.transcriptionId as string;
    await someoneSpoke(db(), host.json.roomSessionId, "g", "Gus Guest", "Send the <b>report</b> by Friday.");
    // Not ready while it runs: said to the host, and to a guest too (who is told, not refused, until it is saved).
    const early = await links(room.name, transcriptionId, { token: host.json.participantToken });
    expect(early.status).toBe(409);
    expect(early.json.error).toMatch(/not ready yet/);
    const guestEarly = await links(room.name, transcriptionId, { token: guest.json.participantToken });
    expect(guestEarly.status).toBe(409);
    expect(guestEarly.json.error).toMatch(/not ready yet/);
    await callRoute("POST", `/rooms/${room.name}/transcription/stop`, { token: host.json.participantToken });
    await settlePipelineTasks();
    return { ...room, host, guest, transcriptionId };
  }

  it("the host gets signed .md, .txt and .vtt links that open the transcript; a guest does not by default", async () => {
    const s = await session({});
    const answer = await links(s.name, s.transcriptionId, { token: s.host.json.participantToken });
    expect(answer.status).toBe(200);
    expect(answer.json.transcriptionId).toBe(s.transcriptionId);
    expect(answer.json.expires).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect(Object.keys(answer.json.links).sort()).toEqual(["md", "txt", "vtt"]);

    const md = await open(answer.json.links.md);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(md.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.md"/);
    expect(md.text).toContain("**[00:00:00] Gus Guest:** Send the \\<b\\>report\\</b\\> by Friday");
    const txt = await open(answer.json.links.txt);
    expect(txt.text).toContain("[00:00:00] Gus Guest: Send the <b>report</b> by Friday.");
    const vtt = await open(answer.json.links.vtt);
    expect(vtt.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(vtt.text).toMatch(/^WEBVTT/);
    expect(vtt.text).toContain("00:00:00.000 --> 00:00:01.000\n<v Gus Guest>Send the &lt;b&gt;report&lt;/b&gt; by Friday.");

    // The room key (the host link) and the account's API key work too.
    expect((await links(s.name, s.transcriptionId, { json: { roomKey: s.roomKey } })).status).toBe(200);
    expect((await links(s.name, s.transcriptionId, { key: acct.key })).status).toBe(200);

    // A guest is refused, with the reason, unless the room or account allows it; nobody without a credential gets links.
    const guest = await links(s.name, s.transcriptionId, { token: s.guest.json.participantToken });
    expect(guest.status).toBe(403);
    expect(guest.json.error).toMatch(/Only the host can download/);
    // ...and told that it is saved, which the room page shows the guest.
    expect(guest.json.error).toMatch(/The transcript is saved for the room's owners/);
    expect((await links(s.name, s.transcriptionId, { json: { roomKey: "wrong" } })).status).toBe(401);
    // Another room's transcription is not found through this room.
    const other = await newRoom(db(), acct, { startTrigger: "manual" });
    expect((await links(other.name, s.transcriptionId, { json: { roomKey: other.roomKey } })).status).toBe(404);
    await callRoute("DELETE", `/rooms/${s.name}/participants/g`, { key: acct.key });
    await callRoute("DELETE", `/rooms/${s.name}/participants/h`, { key: acct.key });
    await settlePipelineTasks();
  });

  it("participants download when the room allows it, even after leaving; the account setting applies to rooms that do not say", async () => {
    const allowed = await session({ participantDownloads: true });
    await callRoute("DELETE", `/rooms/${allowed.name}/participants/g`, { token: allowed.guest.json.participantToken });
    const guest = await links(allowed.name, allowed.transcriptionId, { token: allowed.guest.json.participantToken });
    expect(guest.status).toBe(200);
    expect((await open(guest.json.links.txt)).text).toContain("Gus Guest: Send the");
    await callRoute("DELETE", `/rooms/${allowed.name}/participants/h`, { key: acct.key });
    await settlePipelineTasks();

    await saveAccountSettings(db(), acct.admin, { startTrigger: "manual", language: "en", storage: "hosted", participantDownloads: "on" });
    const byAccount = await session({});
    expect((await links(byAccount.name, byAccount.transcriptionId, { token: byAccount.guest.json.participantToken })).status).toBe(200);
    // A room that says no overrides the account's yes.
    const refused = await session({ participantDownloads: false });
    expect((await links(refused.name, refused.transcriptionId, { token: refused.guest.json.participantToken })).status).toBe(403);
    // A participant of a later session of the room gets nothing of an earlier one.
    for (const s of [byAccount, refused]) {
      await callRoute("DELETE", `/rooms/${s.name}/participants/g`, { key: acct.key });
      await callRoute("DELETE", `/rooms/${s.name}/participants/h`, { key: acct.key });
    }
    await settlePipelineTasks();
    const later = await join(byAccount.name, { participantId: "late", displayName: "Late Comer" });
    const notThere = await links(byAccount.name, byAccount.transcriptionId, { token: later.json.participantToken });
    expect(notThere.status).toBe(403);
    expect(notThere.json.error).toMatch(/Only the people who were in this session/);
    await callRoute("DELETE", `/rooms/${byAccount.name}/participants/late`, { key: acct.key });
    await saveAccountSettings(db(), acct.admin, { startTrigger: "manual", language: "en", storage: "hosted" });
    await settlePipelineTasks();
  });

  it("a changed, forged or expired link opens nothing, and says why", async () => {
    const s = await session({});
    const { links: good } = (await links(s.name, s.transcriptionId, { token: s.host.json.participantToken })).json;
    const asTxt = good.md.replace("/md?", "/txt?");
    const swapped = await open(asTxt);
    expect(swapped.status).toBe(403);
    expect(JSON.parse(swapped.text).error).toMatch(/not valid/);
    expect(JSON.parse(swapped.text).code).toBe("link_invalid");
    const later = new URL(good.md);
    later.searchParams.set("expires", String(Number(later.searchParams.get("expires")) + 3_600_000));
    expect((await open(later.toString())).status).toBe(403);
    const forged = signDownloadLink({ key: Buffer.alloc(32, 1), transcriptionId: s.transcriptionId, format: "md", baseUrl: "https://verbatim.test" });
    expect((await open(forged.url)).status).toBe(403);
    const expired = signDownloadLink({ key: downloadLinkKey(), transcriptionId: s.transcriptionId, format: "md", baseUrl: "https://verbatim.test", now: Date.now() - 11 * 60_000 });
    const gone = await open(expired.url);
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.text).error).toMatch(/expired/);
    expect(JSON.parse(gone.text).code).toBe("link_expired");
    expect((await open(good.md.replace("/md?", "/json?"))).status).toBe(404);
    await callRoute("DELETE", `/rooms/${s.name}/participants/g`, { key: acct.key });
    await callRoute("DELETE", `/rooms/${s.name}/participants/h`, { key: acct.key });
    await settlePipelineTasks();
  });
});

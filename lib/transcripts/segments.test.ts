// One header rule: the saved .md file and every download name the same participants in the same order, on both databases.
import { beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { sessionParticipants, transcriptSegments } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { renderTranscriptionMarkdown } from "@/lib/pipeline/finalize";
import { createTestTranscript } from "./testing";
import { transcriptDownload } from "./transcript-content";
import { loadSegments } from "./segments";

describeEachDatabase("one segment loader and one participant header", (handle) => {
  const db = () => handle().db;
  let accountId: string;
  beforeAll(async () => {
    const { account } = await createAccountWithAdmin(
      db(),
      { accountName: "Header", name: "Admin", email: `header-${Date.now()}@example.com`, password: "correct horse battery" },
      { onlyIfEmpty: false, via: "cli" },
    );
    accountId = account.id;
  });

  it("the saved file and the downloads agree: present people and speakers in join order, ties by participant id", async () => {
    const row = await createTestTranscript(db(), accountId, {
      participants: ["Ana"],
      segments: [{ speaker: "Ana", atSeconds: 1, text: "hello there" }],
      store: false,
    });
    const [ana] = await db().select().from(sessionParticipants).where(eq(sessionParticipants.roomSessionId, row.roomSessionId));
    const at = new Date(row.startedAt.getTime() + 5_000);
    const late = new Date(row.endedAt!.getTime() + 60_000);
    await db().insert(sessionParticipants).values([
      // Two who joined at the same instant: the participant id decides.
      { accountId, roomSessionId: row.roomSessionId, participantId: "b-zoe", displayName: "Zoe", role: "guest", joinedAt: at },
      { accountId, roomSessionId: row.roomSessionId, participantId: "a-yan", displayName: "Yan", role: "guest", joinedAt: at },
      // Joined after the end: named only because a line of theirs is in it.
      { accountId, roomSessionId: row.roomSessionId, participantId: "c-late", displayName: "Late", role: "guest", joinedAt: late },
      { accountId, roomSessionId: row.roomSessionId, participantId: "d-silent", displayName: "Silent", role: "guest", joinedAt: late },
    ]);
    await db().insert(transcriptSegments).values({ accountId, transcriptionId: row.id, participantId: "c-late", displayName: "Late", startMs: 500, endMs: 900, text: "me too" });

    const expected = `- Participants: ${ana.displayName}, Yan, Zoe, Late`;
    const saved = await renderTranscriptionMarkdown(db(), row);
    expect(saved).toContain(expected);
    const md = await transcriptDownload(db(), accountId, row.id, "md"); // nothing stored: rendered from the segments
    expect(md.source).toBe("segments");
    expect(md.body.toString("utf8")).toBe(saved);
    expect((await transcriptDownload(db(), accountId, row.id, "txt")).body.toString("utf8")).toContain("Ana, Yan, Zoe, Late");

    // Spoken order, and the live view's "after" continues from the last id.
    const segments = await loadSegments(db(), accountId, row.id);
    expect(segments.map((s) => s.text)).toEqual(["me too", "hello there"]);
    expect(await loadSegments(db(), accountId, row.id, Math.max(...segments.map((s) => s.id)))).toEqual([]);
  });
});

// The over-capacity alert: shown only while the pool is over capacity, with the setting for admins and plain words for staff.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RecognizerPool } from "@/lib/speech/recognizer-pool";
import { CapacityAlert } from "./capacity-alert";

const html = (pool: RecognizerPool | null, isAdmin: boolean, others: string[] = []) =>
  renderToStaticMarkup(createElement(CapacityAlert, { pool: pool?.stats() ?? null, others, isAdmin }));

describe("the over-capacity alert", () => {
  it("says nothing while the pool keeps up, or before any engine built one", async () => {
    const pool = new RecognizerPool({ max: 1, waitMs: 50 });
    const lease = await pool.acquireFinal();
    expect(html(pool, true)).toBe("");
    expect(html(null, true)).toBe("");
    lease.release();
  });

  it("says new sessions cannot start once an utterance waited past the bound, until the hold passes", async () => {
    const pool = new RecognizerPool({ max: 2, waitMs: 50, overCapacityHoldMs: 200 });
    const held = [await pool.acquireFinal(), await pool.acquireFinal()];
    const waiting = pool.acquireFinal();
    await new Promise((r) => setTimeout(r, 80));
    const admin = html(pool, true);
    expect(admin).toContain("This server is transcribing as many people as it can.");
    expect(admin).toContain("had to wait longer than VERBATIM_ENGINE_POOL_WAIT_MS for a recognizer (2 in all; now 2 in use, 1 waiting). Raise VERBATIM_ENGINE_POOL_MAX");
    const staff = html(pool, false);
    expect(staff).toContain("New sessions cannot start here for now");
    expect(staff).toContain("Try again in a minute.");
    expect(staff).not.toContain("VERBATIM_ENGINE_POOL_MAX");
    for (const lease of held) lease.release();
    (await waiting).release();
    await new Promise((r) => setTimeout(r, 250));
    expect(html(pool, true)).toBe("");
  });

  it("names the cluster's other instances over capacity to admins, and tells staff a new session may have to wait", () => {
    const admin = html(null, true, ["b:3000", "c:3000"]);
    expect(admin).toContain("2 other Verbatim servers are transcribing as many people as they can.");
    expect(admin).toContain("Over capacity: b:3000, c:3000. Raise VERBATIM_ENGINE_POOL_MAX there");
    expect(admin).not.toContain("This server is transcribing");
    const staff = html(null, false, ["b:3000"]);
    expect(staff).toContain("Another Verbatim server is transcribing as many people as it can.");
    expect(staff).toContain("If a session does not start, try again in a minute.");
    expect(staff).not.toContain("b:3000");
  });
});

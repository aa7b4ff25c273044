// The over-capacity alert: shown only while the pool is over capacity, with the setting for admins and plain words for staff.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RecognizerPool } from "@/lib/speech/recognizer-pool";
import { CapacityAlert } from "./capacity-alert";

const html = (pool: RecognizerPool | null, isAdmin: boolean) => renderToStaticMarkup(createElement(CapacityAlert, { pool: pool?.stats() ?? null, isAdmin }));

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
});

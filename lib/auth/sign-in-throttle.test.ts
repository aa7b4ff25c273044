// Sign-in brute-force protection on both databases: per email and per address, counted before argon2, the same answer for unknown emails.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin, verifyCredentials } from "@/lib/accounts/accounts";
import { signInWithThrottle, SIGN_IN_ADDRESS_BUDGET, SIGN_IN_EMAIL_BUDGET, throttledMessage } from "./sign-in-throttle";

describeEachDatabase("sign-in throttle", (handle) => {
  const db = () => handle().db;
  const password = "correct horse battery";
  let email: string;
  beforeAll(async () => {
    email = `ana-${randomBytes(4).toString("hex")}@example.com`;
    await createAccountWithAdmin(db(), { accountName: "Acme", name: "Ana", email, password }, { onlyIfEmpty: false, via: "cli" });
  });

  /** verifyCredentials, counting the password checks it runs. */
  function countingVerify() {
    const counter = { runs: 0 };
    const verify: typeof verifyCredentials = async (...args) => {
      counter.runs += 1;
      return verifyCredentials(...args);
    };
    return { counter, verify };
  }

  it("after the email's attempts are used, even the right password is refused without running the hash", async () => {
    const { counter, verify } = countingVerify();
    const attempt = (pw: string, addr: string) => signInWithThrottle(db(), { email: email.toUpperCase(), password: pw, clientAddress: addr }, verify);
    for (let i = 0; i < SIGN_IN_EMAIL_BUDGET.points; i++) expect((await attempt("wrong password", `198.51.100.${i}`)).kind).toBe("invalid");
    const right = await attempt(password, "198.51.100.200");
    expect(right).toMatchObject({ kind: "throttled" });
    expect(right.kind === "throttled" && right.retryAfterSeconds).toBeGreaterThan(60);
    expect(counter.runs).toBe(SIGN_IN_EMAIL_BUDGET.points);
    expect(throttledMessage(right.kind === "throttled" ? right.retryAfterSeconds : 0)).toMatch(/^Too many sign-in attempts\. Wait \d+ minutes and try again/);
  });

  it("an unknown email is throttled exactly like a known one", async () => {
    const unknown = `nobody-${randomBytes(4).toString("hex")}@example.com`;
    const outcomes = [];
    for (let i = 0; i <= SIGN_IN_EMAIL_BUDGET.points; i++) outcomes.push((await signInWithThrottle(db(), { email: unknown, password: "x", clientAddress: `203.0.113.${i}` })).kind);
    expect(outcomes.slice(0, -1).every((k) => k === "invalid")).toBe(true);
    expect(outcomes.at(-1)).toBe("throttled");
  });

  it("one address may not try many emails; a success clears the email's count", async () => {
    const { counter, verify } = countingVerify();
    const addr = `192.0.2.${randomBytes(1)[0]}`;
    const ok = await signInWithThrottle(db(), { email: `fresh-${randomBytes(3).toString("hex")}@example.com`, password: "x", clientAddress: addr }, verify);
    expect(ok.kind).toBe("invalid");
    for (let i = 1; i < SIGN_IN_ADDRESS_BUDGET.points; i++) {
      await signInWithThrottle(db(), { email: `guess-${i}-${randomBytes(3).toString("hex")}@example.com`, password: "x", clientAddress: addr }, verify);
    }
    const next = await signInWithThrottle(db(), { email: `another-${randomBytes(3).toString("hex")}@example.com`, password: "x", clientAddress: addr }, verify);
    expect(next.kind).toBe("throttled");
    expect(counter.runs).toBe(SIGN_IN_ADDRESS_BUDGET.points);

    const other = `ben-${randomBytes(4).toString("hex")}@example.com`;
    await createAccountWithAdmin(db(), { accountName: "B", name: "Ben", email: other, password }, { onlyIfEmpty: false, via: "cli" });
    for (let i = 0; i < SIGN_IN_EMAIL_BUDGET.points - 1; i++) await signInWithThrottle(db(), { email: other, password: "nope", clientAddress: `10.9.0.${i}` });
    expect((await signInWithThrottle(db(), { email: other, password, clientAddress: "10.9.1.1" })).kind).toBe("ok");
    expect((await signInWithThrottle(db(), { email: other, password: "nope", clientAddress: "10.9.1.2" })).kind).toBe("invalid");
  });
});

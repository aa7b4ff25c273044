import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { WarmProcesses } from "@/lib/speech/pocketsphinx/warm";

const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

describe("warm processes", () => {
  it("hands over a process started ahead, starts its replacement, and replaces one that dies while idle", async () => {
    // `cat` stands in for a recognizer waiting on stdin: it answers what it is given once handed over.
    const spawned: ReturnType<typeof spawn>[] = [];
    const warm = new WarmProcesses(() => {
      const c = spawn("cat", [], { stdio: ["pipe", "pipe", "pipe"] });
      spawned.push(c);
      return c;
    }, 2);
    warm.fill();
    expect(warm.idleCount).toBe(2);
    const child = warm.take();
    expect(alive(child.pid)).toBe(true);
    expect(warm.idleCount).toBe(2);
    const echoed = new Promise<string>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(d.toString())));
    child.stdin!.write("hello\n");
    expect(await echoed).toBe("hello\n");
    child.stdin!.end();

    // An idle one dies: it is forgotten, and the next take() hands over a live one and fills up again.
    const idleOne = spawned.find((c) => c !== child && alive(c.pid))!;
    const died = new Promise((r) => idleOne.once("exit", r));
    idleOne.kill("SIGKILL");
    await died;
    expect(warm.idleCount).toBe(1);
    const next = warm.take();
    expect(next).not.toBe(idleOne);
    expect(alive(next.pid)).toBe(true);
    expect(warm.idleCount).toBe(2);
    next.kill("SIGKILL");
    warm.stop();
    expect(warm.idleCount).toBe(0);
  });
});

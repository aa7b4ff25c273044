// npm start's package step: installed packages pass, missing ones are named with the exact command when not root, and the start goes on.
import { describe, expect, it } from "vitest";
import { createPocketSphinxEngine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { ensureEnginePackages } from "./engine-packages";

const nobody = { uid: 65534, gid: 65534 };

describe("ensureEnginePackages", () => {
  it("finds PocketSphinx's packages installed here and changes nothing", () => {
    const lines: string[] = [];
    const outcome = ensureEnginePackages([createPocketSphinxEngine()], { log: (t) => lines.push(t) });
    expect(outcome).toMatchObject({ packages: ["pocketsphinx", "pocketsphinx-en-us", "gcc", "libc6-dev", "pkg-config", "libpocketsphinx-dev"], installed: true });
    expect(lines.join("")).toContain("Debian packages installed: pocketsphinx pocketsphinx-en-us gcc libc6-dev pkg-config libpocketsphinx-dev");
  });

  it("not as root, prints the exact apt-get command for the missing ones only, and lets the start go on", () => {
    const lines: string[] = [];
    const engines = [createPocketSphinxEngine(), { debianPackages: ["pocketsphinx", "verbatim-no-such-package"] }];
    const outcome = ensureEnginePackages(engines, { log: (t) => lines.push(t), spawn: nobody });
    expect(outcome.packages).toEqual(["pocketsphinx", "pocketsphinx-en-us", "gcc", "libc6-dev", "pkg-config", "libpocketsphinx-dev", "verbatim-no-such-package"]);
    expect(outcome.installed).toBe(false);
    const text = lines.join("");
    expect(text).toContain("Install them with:\n  sudo apt-get update && sudo apt-get install -y verbatim-no-such-package\n");
    expect(text).toMatch(/Serving anyway/);
  });

  it("does nothing for engines that need no package (cloud engines)", () => {
    const lines: string[] = [];
    expect(ensureEnginePackages([{}, { debianPackages: [] }], { log: (t) => lines.push(t) })).toEqual({ packages: [], installed: true, output: "" });
    expect(lines).toEqual([]);
  });
});

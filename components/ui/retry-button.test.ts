// The error pages' sentence: the reference to pass on is shown when the server gave one, and only then.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TellReference } from "./retry-button";

describe("TellReference", () => {
  it("asks to pass on the server's reference", () => {
    expect(renderToStaticMarkup(createElement(TellReference, { whom: "the organizer", digest: "4021" }))).toBe(
      'Try again; if it keeps happening, tell the organizer the reference <code class="font-mono">4021</code>.',
    );
  });

  it("ends the sentence without one when the server gave none", () => {
    expect(renderToStaticMarkup(createElement(TellReference, { whom: "your Verbatim operator" }))).toBe("Try again; if it keeps happening, tell your Verbatim operator.");
  });
});

// Keeps docs/webhooks.md true: every event type is documented, and every sample is an envelope the product would send.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES, webhookEnvelopeSchema } from "./events";
import { TEST_EVENT_TYPE, testEventDataSchema } from "./test-event";

const doc = fs.readFileSync(path.join(process.cwd(), "docs/webhooks.md"), "utf8");
// "### `type`" … its first ```json block.
const sections = [...doc.matchAll(/^### `([a-z.]+)`\n([\s\S]*?)(?=^### |$(?![\s\S]))/gm)].map(([, type, body]) => ({
  type,
  body,
  sample: JSON.parse(/```json\n([\s\S]*?)\n```/.exec(body)?.[1] ?? "null"),
}));

it("documents every webhook event type and the test event, each once", () => {
  expect(sections.map((s) => s.type).sort()).toEqual([...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE].sort());
});

it("gives each event a sample that parses as that event's envelope, and lists exactly its data fields", () => {
  for (const { type, body, sample } of sections) {
    expect(sample?.type, type).toBe(type);
    if (type === TEST_EVENT_TYPE) testEventDataSchema.parse(sample.data);
    else webhookEnvelopeSchema.parse(sample);
    const listed = /Fields of `data`: (.*)\./.exec(body)?.[1].match(/`([A-Za-z]+)`/g)?.map((f) => f.slice(1, -1));
    expect(listed, type).toEqual(Object.keys(sample.data));
  }
});

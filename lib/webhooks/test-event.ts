// The `webhook.test` event sent by the dashboard's "Send test event": only to the chosen endpoint, whatever it subscribes to.
import { z } from "zod";

export const TEST_EVENT_TYPE = "webhook.test";

export const testEventDataSchema = z.strictObject({ webhookId: z.string(), message: z.string() });

/** The api.md envelope with type `webhook.test`; receivers can answer 2xx and ignore it. */
export function buildTestEnvelope(options: { id: string; createdAt: Date; webhookId: string }) {
  return {
    id: options.id,
    apiVersion: "1.0" as const,
    createdAt: options.createdAt.toISOString(),
    type: TEST_EVENT_TYPE,
    data: testEventDataSchema.parse({ webhookId: options.webhookId, message: "A test event from Verbatim. Answer with a 2xx status." }),
  };
}

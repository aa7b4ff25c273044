// Zod shapes for webhook endpoints: the single source for the REST body, the dashboard form and the OpenAPI document.
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES, webhookEventTypeSchema } from "@/lib/webhooks/events";

export const MAX_ENDPOINTS_PER_ACCOUNT = 10;
export const MAX_DESCRIPTION_LENGTH = 200;

const eventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1, "Choose at least one event")
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((events) => WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type)));

/** POST /api/v1/webhooks; unknown fields are ignored, as elsewhere in the API. The URL policy (https, no private targets) is checked by createWebhookEndpoint. */
export const createEndpointBodySchema = z
  .object({
    url: z.string().trim().min(1, "URL is required").max(2048, "URL is too long"),
    events: eventsSchema,
    description: z.string().trim().max(MAX_DESCRIPTION_LENGTH, `At most ${MAX_DESCRIPTION_LENGTH} characters`).default(""),
  })
  .meta({ id: "CreateWebhook" });

export type CreateEndpointInput = z.input<typeof createEndpointBodySchema>;

/** The dashboard form: checkboxes send one value, several, or none. */
export const createEndpointFormSchema = z.object({
  url: createEndpointBodySchema.shape.url,
  description: z.string().trim().max(MAX_DESCRIPTION_LENGTH, `At most ${MAX_DESCRIPTION_LENGTH} characters`).default(""),
  events: z.preprocess((v) => (v === undefined ? [] : ([] as unknown[]).concat(v)), eventsSchema),
});

export const webhookSchema = z
  .object({
    webhookId: z.uuid(),
    url: z.string(),
    events: z.array(webhookEventTypeSchema),
    description: z.string(),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Webhook" });

export const createdWebhookSchema = z
  .object({
    webhookId: z.uuid(),
    url: z.string(),
    events: z.array(webhookEventTypeSchema),
    description: z.string(),
    secret: z.string().meta({ description: "The signing secret, `whsec_…`. Returned only in this answer." }),
  })
  .meta({ id: "CreatedWebhook" });

export const listWebhooksSchema = z.object({ results: z.array(webhookSchema) }).meta({ id: "WebhookList" });

export const webhookIdParamsSchema = z.object({ webhookId: z.string() });

"use server";
// Server actions of Configure → Webhooks: create, rotate the secret, enable, delete, send a test, redeliver (admins).
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, setWebhookEndpointEnabled, updateWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { createEndpointFormSchema } from "@/lib/webhooks/endpoint-schemas";
import { redeliverEvent, sendTestEvent } from "@/lib/webhooks/deliveries";

const webhookIdSchema = z.object({ webhookId: z.uuid() });

export const createWebhookAction = adminAction(createEndpointFormSchema, async (input, { db, actor }) => {
  const { endpoint, secret } = await createWebhookEndpoint(db, actor, input);
  return { url: endpoint.url, secret };
});

export const updateWebhookAction = adminAction(createEndpointFormSchema.extend(webhookIdSchema.shape), async ({ webhookId, ...input }, { db, actor }) => {
  const endpoint = await updateWebhookEndpoint(db, actor, webhookId, input);
  return { url: endpoint.url };
});

export const rotateWebhookSecretAction = adminAction(webhookIdSchema, async ({ webhookId }, { db, actor }) => {
  const { secret, previousSecretExpiresAt } = await rotateWebhookSecret(db, actor, webhookId);
  return { secret, previousSecretExpiresAt: previousSecretExpiresAt.toISOString() };
});

export const setWebhookEnabledAction = adminAction(
  webhookIdSchema.extend({ enabled: z.enum(["true", "false"]).transform((v) => v === "true") }),
  async ({ webhookId, enabled }, { db, actor }) => {
    await setWebhookEndpointEnabled(db, actor, webhookId, enabled);
    return { enabled };
  },
);

export const deleteWebhookAction = adminAction(webhookIdSchema, async ({ webhookId }, { db, actor }) => {
  await deleteWebhookEndpoint(db, actor, webhookId);
  return { webhookId };
});

export const sendTestEventAction = adminAction(webhookIdSchema, async ({ webhookId }, { db, actor }) => {
  return sendTestEvent(db, actor, webhookId);
});

export const redeliverEventAction = adminAction(webhookIdSchema.extend({ eventId: z.string().regex(/^[0-9a-f]{64}$/) }), async (input, { db, actor }) => {
  return redeliverEvent(db, actor, input);
});

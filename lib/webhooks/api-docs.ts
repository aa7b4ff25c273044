// Registers the webhook endpoint routes (an extension of api.md) with the OpenAPI document, from the schemas the routes use.
import { registerApiRoute } from "@/lib/api/openapi";
import { createdWebhookSchema, createEndpointBodySchema, listWebhooksSchema, MAX_ENDPOINTS_PER_ACCOUNT, webhookIdParamsSchema } from "./endpoint-schemas";

const extension =
  "An extension of the hosted API (which manages webhooks in the dashboard only). API keys act with the account's admin rights.";

registerApiRoute({
  method: "post",
  path: "/webhooks",
  operationId: "createWebhook",
  summary: "Add a webhook endpoint",
  description:
    `Adds an endpoint that receives the chosen events, signed with a new secret (\`Verbatim-Signature: t=…,v1=…\`, see the README). ` +
    `The secret is in this answer only. The URL must be https and must not point at a private, loopback or link-local address, ` +
    `unless the operator set VERBATIM_WEBHOOK_ALLOW_PRIVATE=1; the address is checked again at every delivery. ` +
    `At most ${MAX_ENDPOINTS_PER_ACCOUNT} endpoints per account (400 beyond). Unknown fields are ignored. ` +
    `\`transcription.segment\` is opt-in like every event here, and is never chosen for you: the new final lines of a running transcription, batched per session (at most one event a second, every segment once; see docs/webhooks.md). ` +
    `Besides the subscribed events, an endpoint receives \`webhook.test\` events (data: webhookId, message) when an admin presses "Send test event" in the dashboard. ` +
    extension,
  tags: ["Webhooks"],
  body: createEndpointBodySchema,
  responses: { 201: { description: "The endpoint, with its signing secret", schema: createdWebhookSchema } },
});

registerApiRoute({
  method: "get",
  path: "/webhooks",
  operationId: "listWebhooks",
  summary: "List webhook endpoints",
  description: "The account's endpoints, oldest first. Secrets are never returned. " + extension,
  tags: ["Webhooks"],
  responses: { 200: { description: "The endpoints", schema: listWebhooksSchema } },
});

registerApiRoute({
  method: "delete",
  path: "/webhooks/{webhookId}",
  operationId: "deleteWebhook",
  summary: "Delete a webhook endpoint",
  description:
    "Deletes the endpoint with its delivery log; pending retries to it stop. Idempotent: an unknown id, one already deleted, " +
    "or another account's answers 204 too and changes nothing. " +
    extension,
  tags: ["Webhooks"],
  params: webhookIdParamsSchema,
  responses: { 204: { description: "Deleted, or there was nothing to delete" } },
});

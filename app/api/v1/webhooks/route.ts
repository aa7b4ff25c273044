// POST /api/v1/webhooks (add an endpoint; the secret is in this answer only) and GET /api/v1/webhooks (the account's endpoints).
import { apiRoute } from "@/lib/api/route";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/webhooks/endpoints";
import { createEndpointBodySchema } from "@/lib/webhooks/endpoint-schemas";
import { webhookJson } from "@/lib/webhooks/webhook-resource";

export const POST = apiRoute({ cost: "write", body: createEndpointBodySchema }, async ({ actor, db, body }) => {
  const { endpoint, secret } = await createWebhookEndpoint(db, actor, body);
  return { status: 201, json: { webhookId: endpoint.webhookId, url: endpoint.url, events: endpoint.events, description: endpoint.description, secret } };
});

export const GET = apiRoute({ cost: "read" }, async ({ actor, db }) => {
  return { json: { results: (await listWebhookEndpoints(db, actor.accountId)).map(webhookJson) } };
});

// The JSON shape of a webhook endpoint in the REST API.
import type { WebhookEndpoint } from "@/lib/webhooks/endpoints";

export function webhookJson(endpoint: WebhookEndpoint) {
  return {
    webhookId: endpoint.webhookId,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

// DELETE /api/v1/webhooks/{webhookId}: removes an endpoint of the caller's account; idempotent.
import { apiRoute } from "@/lib/api/route";
import { deleteWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { webhookIdParamsSchema } from "@/lib/webhooks/endpoint-schemas";

export const DELETE = apiRoute({ cost: "delete", params: webhookIdParamsSchema }, async ({ actor, db, params }) => {
  // A missing id, an already deleted one and another account's all answer 204 and change nothing.
  await deleteWebhookEndpoint(db, actor, params.webhookId);
  return { status: 204 };
});

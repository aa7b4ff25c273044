// GET /api/v1/usage: the account's usage figures over a range (the dashboard's Usage page, as JSON).
import { apiRoute } from "@/lib/api/route";
import { accountUsage, usageQuerySchema } from "@/lib/usage/usage";

export const GET = apiRoute({ cost: "read", query: usageQuerySchema }, async ({ actor, db, query }) => {
  return { json: await accountUsage(db, actor.accountId, query) };
});

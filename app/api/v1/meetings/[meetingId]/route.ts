// GET and DELETE /api/v1/meetings/{meetingId}: one room of the caller's account.
import { apiRoute } from "@/lib/api/route";
import { deleteRoom, getRoom } from "@/lib/rooms/rooms";
import { meetingJson } from "@/lib/rooms/meeting-resource";
import { endSessionOfDeletedRoom } from "@/lib/pipeline/service";
import { getMeetingQuerySchema, meetingParamsSchema } from "@/lib/rooms/validation";

export const GET = apiRoute({ cost: "read", params: meetingParamsSchema, query: getMeetingQuerySchema }, async ({ actor, db, params, query }) => {
  const room = await getRoom(db, actor.accountId, params.meetingId);
  return { json: meetingJson(room, { hostRoomUrl: query.fields.includes("hostRoomUrl") }) };
});

export const DELETE = apiRoute({ cost: "delete", params: meetingParamsSchema }, async ({ actor, db, params }) => {
  await deleteRoom(db, actor, params.meetingId);
  await endSessionOfDeletedRoom(db, actor.accountId, params.meetingId);
  return { status: 204 };
});

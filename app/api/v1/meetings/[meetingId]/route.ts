// GET, PATCH (rename) and DELETE /api/v1/meetings/{meetingId}: one room of the caller's account.
import { apiRoute } from "@/lib/api/route";
import { deleteRoom, getRoom, renameRoom } from "@/lib/rooms/rooms";
import { meetingJson } from "@/lib/rooms/meeting-resource";
import { endSessionOfDeletedRoom } from "@/lib/pipeline/participants";
import { getMeetingQuerySchema, meetingParamsSchema, updateMeetingSchema } from "@/lib/rooms/validation";

export const GET = apiRoute({ cost: "read", params: meetingParamsSchema, query: getMeetingQuerySchema }, async ({ actor, db, params, query }) => {
  const room = await getRoom(db, actor.accountId, params.meetingId);
  return { json: meetingJson(room, { hostRoomUrl: query.fields.includes("hostRoomUrl") }) };
});

export const DELETE = apiRoute({ cost: "delete", params: meetingParamsSchema }, async ({ actor, db, params }) => {
  await deleteRoom(db, actor, params.meetingId);
  await endSessionOfDeletedRoom(db, actor.accountId, params.meetingId);
  return { status: 204 };
});

export const PATCH = apiRoute({ cost: "write", params: meetingParamsSchema, body: updateMeetingSchema }, async ({ actor, db, params, body }) => {
  const room = await renameRoom(db, actor, params.meetingId, body.title);
  return { json: meetingJson(room, { hostRoomUrl: false }) };
});

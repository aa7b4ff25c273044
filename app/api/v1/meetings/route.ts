// POST /api/v1/meetings (create a room) and GET /api/v1/meetings (the account's rooms, cursor paged).
import { apiRoute } from "@/lib/api/route";
import { createRoom, listRooms } from "@/lib/rooms/rooms";
import { createdMeetingJson, meetingJson } from "@/lib/rooms/meeting-resource";
import { createMeetingSchema, listMeetingsQuerySchema } from "@/lib/rooms/validation";

export const POST = apiRoute({ cost: "write", body: createMeetingSchema }, async ({ actor, db, body }) => {
  const { room } = await createRoom(db, actor, body);
  return { status: 201, json: createdMeetingJson(room, { hostRoomUrl: body.fields?.includes("hostRoomUrl") ?? false }) };
});

export const GET = apiRoute({ cost: "read", query: listMeetingsQuerySchema }, async ({ actor, db, query }) => {
  const page = await listRooms(db, actor.accountId, query);
  return { json: { results: page.rooms.map((room) => meetingJson(room, { hostRoomUrl: false })), cursor: page.nextCursor } };
});

"use server";
// Server actions of the rooms page: create and delete rooms (admins).
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createRoom, deleteRoom, renameRoom } from "@/lib/rooms/rooms";
import { createRoomFormSchema, renameRoomFormSchema } from "@/lib/rooms/validation";
import { endSessionOfDeletedRoom } from "@/lib/pipeline/participants";

// The same schema and lib function as POST /api/v1/meetings: the page and the API accept exactly the same rooms.
export const createRoomAction = adminAction(createRoomFormSchema, async (input, { db, actor }) => {
  const { room } = await createRoom(db, actor, input);
  return { roomId: room.id, roomName: room.roomName, title: room.title };
});

export const deleteRoomAction = adminAction(z.object({ roomId: z.uuid() }), async ({ roomId }, { db, actor }) => {
  await deleteRoom(db, actor, roomId);
  // Its live session ends now, transcript saved, as DELETE /meetings/{id} does.
  await endSessionOfDeletedRoom(db, actor.accountId, roomId);
  return { roomId };
});

export const renameRoomAction = adminAction(renameRoomFormSchema, async ({ roomId, title }, { db, actor }) => {
  const room = await renameRoom(db, actor, roomId, title);
  return { roomId: room.id, title: room.title };
});

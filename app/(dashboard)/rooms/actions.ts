"use server";
// Server actions of the rooms page: create and delete rooms (admins).
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { createRoom, deleteRoom } from "@/lib/rooms/rooms";
import { createRoomFormSchema } from "@/lib/rooms/validation";

// The same schema and lib function as POST /api/v1/meetings: the page and the API accept exactly the same rooms.
export const createRoomAction = adminAction(createRoomFormSchema, async (input, { db, actor }) => {
  const { room } = await createRoom(db, actor, input);
  return { roomId: room.id, roomName: room.roomName };
});

export const deleteRoomAction = adminAction(z.object({ roomId: z.uuid() }), async ({ roomId }, { db, actor }) => {
  await deleteRoom(db, actor, roomId);
  return { roomId };
});

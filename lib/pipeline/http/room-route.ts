// Room routes under /api/v1/rooms/{roomName}: the room by name and the caller by API key or participant token, then
// the wrapper core (lib/api/route-core.ts); 401 and 403 say what to send instead.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AppError, RetryLaterError } from "@/lib/errors";
import { appEnv } from "@/lib/config/env";
import type { Actor } from "@/lib/actor";
import { getRoomByName, verifyRoomKey, type Room } from "@/lib/rooms/rooms";
import { authenticateBearer, bearerToken } from "@/lib/api/route";
import { wrapRoute, type ApiResult, type Out, type RawParams } from "@/lib/api/route-core";
import type { RateCost } from "@/lib/api/rate-limit";
import { forwardToOwner, isForwarded, ownerAddressElsewhere, OWNER_UNREACHABLE_RETRY_AFTER_SECONDS } from "@/lib/pipeline/forward";
import { OwnedElsewhereError } from "@/lib/pipeline/session/sessions";
import { participantIsHost } from "@/lib/pipeline/participants";
import { verifyParticipantToken, type ParticipantClaims } from "@/lib/pipeline/session/participant-token";

/**
 * Who calls: a media server or integration with the account's API key (may act for any participant of the account's
 * rooms), a participant with the token it got at join, or anyone holding the room's (unguessable) name.
 */
export type RoomCaller = { kind: "api_key"; actor: Actor } | { kind: "participant"; claims: ParticipantClaims } | { kind: "public" };

/**
 * Whether the caller acts as the room's host for a host command (start, stop, pause, resume): an API key of the
 * account, the room key (the host link) in the body, or the token of a participant present as host.
 */
export async function callerIsHost(db: Db, room: Room, caller: RoomCaller, roomKey: string | undefined): Promise<boolean> {
  if (caller.kind === "api_key" || verifyRoomKey(room, roomKey)) return true;
  if (caller.kind !== "participant") return false;
  return participantIsHost(db, room, caller.claims.participantId, caller.claims.roomSessionId);
}

export type RoomRouteContext<P, B> = { db: Db; request: Request; room: Room; caller: RoomCaller; params: P; body: B };

type Schema = z.ZodType;

export type RoomRouteOptions<P, B> = {
  /** "participant": an API key or a participant token is required; "public": anyone with the room name. */
  auth: "public" | "participant";
  params: P;
  /** A JSON body; `optionalBody` accepts an empty one as `{}`. */
  body?: B;
  optionalBody?: boolean;
  /** API-key calls count against the account's rate limit; audio is left out (a track sends several chunks a second). */
  cost?: RateCost;
  /**
   * The request needs the session's live state: when another live instance owns the room's session, it is sent
   * there (signed, once: a forwarded request is never forwarded again). `maxBodyBytes` bounds the body passed on
   * (default VERBATIM_MAX_BODY_BYTES); `longStream`: a long audio body, passed on as it comes, no answer timeout.
   */
  forward?: { maxBodyBytes?: number; longStream?: boolean };
};

export const PARTICIPANT_TOKEN_HEADER = "x-participant-token";

type RoomAccess<P> = { room: Room; caller: RoomCaller; params: P };

export function roomRoute<P extends Schema, B extends Schema | undefined = undefined>(
  options: RoomRouteOptions<P, B>,
  handler: (ctx: RoomRouteContext<Out<P>, Out<B>>) => Promise<ApiResult>,
) {
  return wrapRoute(
    {
      authenticate: (request: Request, db: Db, rawParams: RawParams) => roomAccess(options, request, db, rawParams),
      account: (access: RoomAccess<Out<P>>) => (access.caller.kind === "api_key" ? access.caller.actor.accountId : undefined),
      cost: options.cost,
      body: options.body,
      optionalBody: options.optionalBody,
      messages: "specific",
      mapError: options.forward ? ownershipMoving : undefined,
    },
    ({ caller: { room, caller, params }, db, request, body }) => handler({ db, request, room, caller, params, body }),
  );
}

/** The room, who calls and the parsed path; a malformed or unknown room name, or another account's key: 404. */
async function roomAccess<P extends Schema>(options: RoomRouteOptions<P, unknown>, request: Request, db: Db, rawParams: RawParams): Promise<RoomAccess<Out<P>> | Response> {
  const parsed = options.params.safeParse(rawParams);
  // A malformed room name or participant id is "not found", as for every id in a path.
  if (!parsed.success) throw new AppError("not_found", "The requested resource doesn't exist");
  const params = parsed.data as Out<P> & { roomName: string; participantId?: string };
  const room = await getRoomByName(db, `/${params.roomName}`);
  if (!room) throw new AppError("not_found", "The requested resource doesn't exist");

  if (options.forward && !isForwarded(request)) {
    // Before authenticating: the owner authenticates and counts the request against the rate limits, once.
    const owner = await ownerAddressElsewhere(db, room.id);
    if (owner) {
      const { maxBodyBytes = appEnv().VERBATIM_MAX_BODY_BYTES, longStream } = options.forward;
      return forwardToOwner(request, { ownerAddress: owner, maxBodyBytes, longStream });
    }
  }

  let caller: RoomCaller = { kind: "public" };
  const token = request.headers.get(PARTICIPANT_TOKEN_HEADER);
  if (bearerToken(request)) {
    const actor = await authenticateBearer(request, db);
    // Another account's room is not found, exactly as a missing one.
    if (actor.accountId !== room.accountId) throw new AppError("not_found", "The requested resource doesn't exist");
    caller = { kind: "api_key", actor };
  } else if (token) {
    const claims = verifyParticipantToken(token);
    if (!claims || claims.roomId !== room.id) throw new AppError("unauthorized", "The participant token is missing or invalid");
    caller = { kind: "participant", claims };
  }
  if (options.auth === "participant" && caller.kind === "public") {
    throw new AppError("unauthorized", "Send the participant token (X-Participant-Token) from the join answer, or an API key");
  }
  if (caller.kind === "participant" && params.participantId !== undefined && params.participantId !== caller.claims.participantId) {
    throw new AppError("forbidden", "A participant token acts only for its own participant");
  }
  return { room, caller, params };
}

/**
 * The session changed hands between the owner look-up and the handler (two instances taking over a dead owner's
 * session at once, or a forwarded request reaching an instance that just lost it): the client sends again shortly
 * and reaches the new owner. Not 409, which clients take as "the session is gone".
 */
function ownershipMoving(error: unknown): unknown {
  if (!(error instanceof OwnedElsewhereError)) return error;
  return new RetryLaterError(
    "unavailable",
    "This room's session is moving to another server instance; send the request again shortly.",
    OWNER_UNREACHABLE_RETRY_AFTER_SECONDS,
    "owner_changing",
  );
}

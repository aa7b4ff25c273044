// The wrapper for the live-session routes under /api/v1/rooms/{roomName}: room by name, caller by API key or participant token, errors as api.md.
import { z, ZodError } from "zod";
import { appEnv } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { AppError, RetryLaterError } from "@/lib/errors";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import type { Actor } from "@/lib/actor";
import { getRoomByName, type Room } from "@/lib/rooms/rooms";
import { AudioFormatError } from "@/lib/speech/pcm";
import { IngestError } from "@/lib/pipeline/track-ingest";
import { forwardToOwner, isForwarded, ownerAddressElsewhere, OWNER_UNREACHABLE_RETRY_AFTER_SECONDS } from "@/lib/pipeline/forward";
import { OwnedElsewhereError } from "@/lib/pipeline/session/sessions";
import { ResendFromError } from "@/lib/pipeline/session/runtime";
import { verifyParticipantToken, type ParticipantClaims } from "@/lib/pipeline/session/participant-token";
import { errorResponse, zodIssues } from "./errors";
import { consumeRateLimit, rateLimitHeaders, type RateCost } from "./rate-limit";
import { readJsonBody } from "./read-body";
import { assertNoNul } from "@/lib/validation/no-nul";
import { bearerToken, rateLimitedResponse, toResponse, unauthorizedBudget, type ApiResult } from "./route";

/**
 * Who calls: a media server or integration with the account's API key (may act for any participant of the account's
 * rooms), a participant with the token it got at join, or anyone holding the room's (unguessable) name.
 */
export type RoomCaller = { kind: "api_key"; actor: Actor } | { kind: "participant"; claims: ParticipantClaims } | { kind: "public" };

export type RoomRouteContext<P, B> = { db: Db; request: Request; room: Room; caller: RoomCaller; params: P; body: B };

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

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

export function roomRoute<P extends Schema, B extends Schema | undefined = undefined>(
  options: RoomRouteOptions<P, B>,
  handler: (ctx: RoomRouteContext<Out<P>, Out<B>>) => Promise<ApiResult>,
) {
  return async (request: Request, routeContext?: NextRouteContext): Promise<Response> => {
    let headers: Record<string, string> = {};
    try {
      const db = await getDb();
      const rawParams = (await routeContext?.params) ?? {};
      assertNoNul(rawParams);
      const parsedParams = options.params.safeParse(rawParams);
      // A malformed room name or participant id is "not found", as for every id in a path.
      if (!parsedParams.success) throw new AppError("not_found", "The requested resource doesn't exist");
      const params = parsedParams.data as Out<P> & { roomName: string; participantId?: string };
      const room = await getRoomByName(db, `/${params.roomName}`);
      if (!room) throw new AppError("not_found", "The requested resource doesn't exist");

      if (options.forward && !isForwarded(request)) {
        // Before authenticating: the owner authenticates and counts the request against the rate limits, once.
        const owner = await ownerAddressElsewhere(db, room.id);
        if (owner) {
          const { maxBodyBytes = appEnv().VERBATIM_MAX_BODY_BYTES, longStream } = options.forward;
          return await forwardToOwner(request, { ownerAddress: owner, maxBodyBytes, longStream });
        }
      }

      let caller: RoomCaller = { kind: "public" };
      const bearer = bearerToken(request);
      const token = request.headers.get(PARTICIPANT_TOKEN_HEADER);
      if (bearer) {
        const actor = await authenticateApiKey(db, bearer);
        if (!actor) throw new AppError("unauthorized", "Access token is missing or invalid");
        // Another account's room is not found, exactly as a missing one.
        if (actor.accountId !== room.accountId) throw new AppError("not_found", "The requested resource doesn't exist");
        caller = { kind: "api_key", actor };
        if (options.cost) {
          const decision = await consumeRateLimit(db, actor.accountId, options.cost, appEnv().VERBATIM_RATE_LIMIT_POINTS);
          headers = rateLimitHeaders(decision);
          if (!decision.allowed) return rateLimitedResponse(decision, headers);
        }
      } else if (token) {
        const claims = verifyParticipantToken(token);
        if (!claims || claims.roomId !== room.id) {
          throw new AppError("unauthorized", "The participant token is missing or invalid");
        }
        caller = { kind: "participant", claims };
      }
      if (options.auth === "participant" && caller.kind === "public") {
        throw new AppError("unauthorized", "Send the participant token (X-Participant-Token) from the join answer, or an API key");
      }
      if (caller.kind === "participant" && params.participantId !== undefined && params.participantId !== caller.claims.participantId) {
        throw new AppError("forbidden", "A participant token acts only for its own participant");
      }

      let body: unknown = undefined;
      if (options.body) {
        const empty = !request.body || request.headers.get("content-length") === "0";
        const raw = options.optionalBody && empty ? {} : await readJsonBody(request, appEnv().VERBATIM_MAX_BODY_BYTES);
        assertNoNul(raw);
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) throw new AppError("validation", "Validation failed", zodIssues(parsed.error as ZodError));
        body = parsed.data;
      }

      return toResponse(await handler({ db, request, room, caller, params, body: body as Out<B> }), headers);
    } catch (error) {
      const refused = await unauthorizedBudget(error, request);
      if (refused?.limited) return refused.limited;
      return roomErrorResponse(options.forward ? ownershipMoving(error) : error, refused?.headers ?? headers);
    }
  };
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

/** api.md error bodies, plus audio errors with their code, and refusals that say why (not just "Not allowed"). */
export function roomErrorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  if (error instanceof ResendFromError) {
    return Response.json({ error: error.message, code: "resend_from", resendFrom: error.resendFrom }, { status: 503, headers: { ...headers, "Retry-After": "0" } });
  }
  if (error instanceof IngestError || error instanceof AudioFormatError) {
    return Response.json({ error: error.message, code: error.code }, { status: error.status, headers });
  }
  if (error instanceof AppError && (error.code === "forbidden" || error.code === "unauthorized") && error.message) {
    const status = error.code === "forbidden" ? 403 : 401;
    return Response.json({ error: error.message }, { status, headers });
  }
  return errorResponse(error, headers);
}

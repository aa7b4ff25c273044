// Lifecycle moves in the database: the phase a move writes and the guard that makes it happen once, in one UPDATE.
import { inArray } from "drizzle-orm";
import { transcriptions } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { LIFECYCLE_REFUSALS, phaseAfter, phasesAllowing, type LifecycleEvent, type LifecycleRefusal } from "@/lib/transcripts/lifecycle";

/** The `set` part of a move. */
export const moveTo = (event: LifecycleEvent) => ({ phase: phaseAfter(event) });

/** The `where` part of a move: only from a phase the table allows, so two movers cannot both make it. */
export const mayMove = (event: LifecycleEvent) => inArray(transcriptions.phase, phasesAllowing(event));

/** A refused move as the error the API and the dashboard answer with, chosen by its code. */
export function lifecycleError(refusal: LifecycleRefusal): AppError {
  const { status, message } = LIFECYCLE_REFUSALS[refusal];
  return new AppError(status === 409 ? "conflict" : "forbidden", message);
}

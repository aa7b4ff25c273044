// The dashboard's "speech engine unavailable" alerts, streamed in on their own: a slow engine health check never holds up a page.
import { Alert } from "@/components/ui/alert";
import { configuredSpeechEngineStatuses } from "@/lib/speech/status";

export async function EngineAlerts({ isAdmin }: { isAdmin: boolean }) {
  const unavailable = (await configuredSpeechEngineStatuses()).filter((s) => !s.ok);
  return unavailable.map((engine) => (
    <Alert key={engine.engineId} tone="error" className="mb-6">
      <strong>Speech engine unavailable: {engine.label}.</strong> Sessions in the languages it serves go to the next
      configured engine that supports them, or are not transcribed, until it is fixed.{" "}
      {isAdmin ? engine.problem : "Ask your Verbatim operator to fix it."}
    </Alert>
  ));
}

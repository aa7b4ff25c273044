// One colour per speaker, the same in the room, the live view and the saved transcript (chosen from the participant id).
const tones = [
  { text: "text-brand-700 dark:text-brand-100", bar: "bg-brand-500" },
  { text: "text-emerald-700 dark:text-emerald-300", bar: "bg-emerald-500" },
  { text: "text-amber-700 dark:text-amber-300", bar: "bg-amber-500" },
  { text: "text-sky-700 dark:text-sky-300", bar: "bg-sky-500" },
  { text: "text-rose-700 dark:text-rose-300", bar: "bg-rose-500" },
  { text: "text-violet-700 dark:text-violet-300", bar: "bg-violet-500" },
] as const;

export type SpeakerTone = (typeof tones)[number];

export function speakerTone(participantId: string): SpeakerTone {
  let h = 0;
  for (const c of participantId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return tones[h % tones.length];
}

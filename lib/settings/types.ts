// The shape of transcription settings: the account's defaults, a room's overrides, and the effective result.
import type { TranscriptionLanguage } from "@/lib/speech/languages";

import type { StartTrigger } from "@/lib/start-triggers";
import type { S3ChecksumMode } from "@/lib/s3-checksum-modes";

/** Where a transcript is stored. Secrets are kept sealed (lib/crypto) and only opened to talk to the bucket. */
export type Destination =
  | { provider: "hosted" }
  | {
      provider: "s3";
      bucket: string;
      region: string;
      accessKeyId: string;
      secretSealed: string;
      endpoint?: string | null;
      /** Absent: "whenRequired". An Object Lock bucket needs "whenSupported" (lib/storage/s3.ts says why). */
      checksumMode?: S3ChecksumMode;
    };

export type TranscriptionSettings = {
  enabled: boolean;
  startTrigger: StartTrigger;
  language: TranscriptionLanguage;
  /** Words and phrases the speech engine is given as hints (engines without the capability ignore them). */
  vocabulary: string[];
  destination: Destination;
};

export const defaultTranscriptionSettings: TranscriptionSettings = {
  enabled: true,
  startTrigger: "manual",
  language: "en",
  vocabulary: [],
  destination: { provider: "hosted" },
};

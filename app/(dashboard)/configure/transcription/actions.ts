"use server";
// Server actions of Configure → Transcription: save the account's defaults and test a bucket (admins).
import { adminAction } from "@/lib/auth/action";
import { saveAccountSettings } from "@/lib/settings/save-settings";
import { testConnectionForForm } from "@/lib/settings/test-connection-form";
import { s3FieldsSchema, settingsFormSchema } from "@/lib/settings/settings.validation";

// Both answers carry the settings without the secret (only whether one is set), never the value or its sealed form.
export const saveTranscriptionSettingsAction = adminAction(settingsFormSchema, async (input, { db, actor }) => {
  const { settings } = await saveAccountSettings(db, actor, input);
  return settings;
});

export const testStorageConnectionAction = adminAction(s3FieldsSchema, async (input, { db, actor }) =>
  testConnectionForForm(db, actor, input),
);

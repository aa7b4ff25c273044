// The summary templates of api.md and the JSON shape of each one's `summary` field, as zod schemas every engine's result is checked against.
import { z } from "zod";

export const SUMMARY_TEMPLATES = [
  "General Bulleted",
  "General Narrative",
  "SOAP",
  "Extended SOAP",
  "Educational Lecture",
  "Educational Tutoring",
] as const;

export const summaryTemplateSchema = z.enum(SUMMARY_TEMPLATES);
export type SummaryTemplate = z.infer<typeof summaryTemplateSchema>;
export const DEFAULT_SUMMARY_TEMPLATE: SummaryTemplate = "General Bulleted";

/** What a SOAP-like section says when the conversation did not touch it. */
export const NOT_DISCUSSED = "Not discussed.";

const markdown = z.string().trim().min(1);
const markdownList = z.array(markdown);

const summaryText = markdown.describe("Markdown summary of the whole conversation");

const soapSections = z.object({
  subjective: markdown.describe("What the patient reports: symptoms, history, in their words"),
  objective: markdown.describe("Findings: vital signs, examination, test results"),
  assessment: markdown.describe("The clinician's assessment or diagnosis"),
  plan: markdown.describe("Treatment, prescriptions, tests ordered, follow-up"),
});

const extendedSoapSections = z.object({
  chief_complaint: markdown.describe("Why the patient came, in one or two sentences"),
  subjective: markdown.describe("What the patient reports: symptoms, history, in their words"),
  medications: markdown.describe("Medications the patient takes or is prescribed, with doses"),
  allergies: markdown.describe("Allergies and reactions"),
  objective: markdown.describe("Findings: vital signs, examination, test results"),
  assessment: markdown.describe("The clinician's assessment or diagnosis"),
  plan: markdown.describe("Treatment, prescriptions, tests ordered, follow-up"),
});

const lectureSections = z.object({
  topics: markdownList.describe("The topics the lecture covered, in order"),
  key_points: markdownList.describe("The most important points made"),
  questions: markdownList.describe("Questions asked during the lecture, with answers when given"),
  assignments: markdownList.describe("Homework, readings, deadlines and exams announced"),
});

const tutoringSections = z.object({
  topics: markdownList.describe("What the session worked on"),
  questions: markdownList.describe("Questions the student asked"),
  difficulties: markdownList.describe("Where the student struggled or made mistakes"),
  progress: markdownList.describe("What the student got right or improved"),
  next_steps: markdownList.describe("Practice and work agreed for the next session"),
});

export const summaryContentSchemas = {
  "General Bulleted": z.object({ summary: summaryText.describe("Markdown bullet list of the main points") }),
  "General Narrative": z.object({ summary: summaryText.describe("Markdown prose: a few short paragraphs") }),
  SOAP: z.object({ summary: summaryText, SOAP: soapSections }),
  "Extended SOAP": z.object({ summary: summaryText, extended_SOAP: extendedSoapSections }),
  "Educational Lecture": z.object({ summary: summaryText, lecture: lectureSections }),
  "Educational Tutoring": z.object({ summary: summaryText, tutoring: tutoringSections }),
} as const satisfies Record<SummaryTemplate, z.ZodType>;

/**
 * The template's sections in the order people read them (Subjective, Objective, Assessment, Plan; the chief complaint
 * first), which is the schema's order. A summary read back from the database has lost it: jsonb sorts object keys.
 */
export function sectionOrder(template: SummaryTemplate): string[] {
  const shape = summaryContentSchemas[template].shape as Record<string, z.ZodType>;
  const sections = Object.entries(shape).find(([key]) => key !== "summary")?.[1];
  return sections instanceof z.ZodObject ? Object.keys(sections.shape) : [];
}

export type SummaryContentFor<T extends SummaryTemplate> = z.infer<(typeof summaryContentSchemas)[T]>;
/** The `summary` field of api.md's summary object, for any template. */
export type SummaryContent = { [T in SummaryTemplate]: SummaryContentFor<T> }[SummaryTemplate];

/** Guidance each template adds to a language model's instructions. */
export const TEMPLATE_INSTRUCTIONS: Record<SummaryTemplate, string> = {
  "General Bulleted": "Write `summary` as a Markdown bullet list of the main points, decisions and action items.",
  "General Narrative": "Write `summary` as a few short paragraphs of Markdown prose.",
  SOAP:
    "This is a clinical visit. Fill the SOAP note; a section the visit did not cover says exactly \"Not discussed.\". " +
    "`summary` is a short Markdown overview.",
  "Extended SOAP":
    "This is a clinical visit. Fill the extended SOAP note; a section the visit did not cover says exactly " +
    "\"Not discussed.\". `summary` is a short Markdown overview.",
  "Educational Lecture":
    "This is a lecture. List topics, key points, questions (with answers when given) and assignments; a list may be " +
    "empty. `summary` is a short Markdown overview.",
  "Educational Tutoring":
    "This is a tutoring session. List topics, the student's questions, difficulties, progress and next steps; a list " +
    "may be empty. `summary` is a short Markdown overview.",
};

export type SummaryContentCheck =
  | { ok: true; content: SummaryContent }
  | { ok: false; issues: { path: string; message: string }[] };

/** Validates a value as the `summary` field of `template`, keeping only the template's keys. */
export function checkSummaryContent(template: SummaryTemplate, value: unknown): SummaryContentCheck {
  const result = summaryContentSchemas[template].safeParse(value);
  if (result.success) return { ok: true, content: result.data as SummaryContent };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

/** The JSON Schema of a template's `summary` field, for prompts and the OpenAPI document. */
export function summaryJsonSchema(template: SummaryTemplate): Record<string, unknown> {
  return z.toJSONSchema(summaryContentSchemas[template]) as Record<string, unknown>;
}

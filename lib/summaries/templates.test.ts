import { describe, expect, it } from "vitest";
import {
  DEFAULT_SUMMARY_TEMPLATE,
  SUMMARY_TEMPLATES,
  checkSummaryContent,
  summaryJsonSchema,
  summaryTemplateSchema,
} from "@/lib/summaries/templates";

describe("summary templates", () => {
  it("lists api.md's six templates with General Bulleted as default", () => {
    expect(SUMMARY_TEMPLATES).toEqual([
      "General Bulleted",
      "General Narrative",
      "SOAP",
      "Extended SOAP",
      "Educational Lecture",
      "Educational Tutoring",
    ]);
    expect(DEFAULT_SUMMARY_TEMPLATE).toBe("General Bulleted");
    expect(summaryTemplateSchema.safeParse("SOAP").success).toBe(true);
    expect(summaryTemplateSchema.safeParse("soap").success).toBe(false);
  });

  it("checks SOAP and Extended SOAP shapes as api.md names them", () => {
    const soap = { subjective: "s", objective: "o", assessment: "a", plan: "p" };
    expect(checkSummaryContent("SOAP", { summary: "x", SOAP: soap })).toEqual({ ok: true, content: { summary: "x", SOAP: soap } });
    const ext = { chief_complaint: "c", subjective: "s", medications: "m", allergies: "a", objective: "o", assessment: "a", plan: "p" };
    expect(checkSummaryContent("Extended SOAP", { summary: "x", extended_SOAP: ext }).ok).toBe(true);

    const missing = checkSummaryContent("Extended SOAP", { summary: "x", extended_SOAP: { ...ext, allergies: undefined } });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues[0].path).toBe("extended_SOAP.allergies");
  });

  it("rejects empty text, wrong types and a missing summary, and drops unknown keys", () => {
    expect(checkSummaryContent("General Bulleted", { summary: "   " }).ok).toBe(false);
    expect(checkSummaryContent("General Narrative", { summary: 3 }).ok).toBe(false);
    expect(checkSummaryContent("General Narrative", null).ok).toBe(false);
    const lecture = { topics: [], key_points: ["k"], questions: [], assignments: [] };
    expect(checkSummaryContent("Educational Lecture", { lecture }).ok).toBe(false);
    expect(checkSummaryContent("Educational Lecture", { summary: "x", lecture: { ...lecture, topics: "t" } }).ok).toBe(false);
    expect(checkSummaryContent("General Bulleted", { summary: "x", note: "dropped" })).toEqual({ ok: true, content: { summary: "x" } });
  });

  it("gives each template a JSON Schema with its sections", () => {
    for (const template of SUMMARY_TEMPLATES) {
      const schema = summaryJsonSchema(template) as { required: string[]; properties: Record<string, unknown> };
      expect(schema.required).toContain("summary");
    }
    expect(Object.keys((summaryJsonSchema("Educational Tutoring") as any).properties.tutoring.properties)).toEqual([
      "topics",
      "questions",
      "difficulties",
      "progress",
      "next_steps",
    ]);
  });
});

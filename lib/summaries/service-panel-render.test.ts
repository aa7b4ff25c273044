// The summary panel's content renderer, rendered to HTML: every template section shown, no raw HTML or script links from a summary's text.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SummaryContent } from "@/components/summaries/summary-content";
import { summarizeExtractively } from "@/lib/summaries/engines/extractive";
import { doctorVisitTranscript } from "@/lib/summaries/fixtures/doctor-visit";
import { lectureTranscript } from "@/lib/summaries/fixtures/lecture";

const render = (template: Parameters<typeof SummaryContent>[0]["template"], summary: Record<string, unknown>) =>
  renderToStaticMarkup(createElement(SummaryContent, { template, summary }));

describe("SummaryContent", () => {
  it("renders the Markdown overview and every SOAP section under its heading", () => {
    const summary = summarizeExtractively({ segments: doctorVisitTranscript, template: "Extended SOAP", language: "en" }) as Record<string, unknown>;
    const html = render("Extended SOAP", summary);
    for (const heading of ["Summary", "Chief complaint", "Subjective", "Medications", "Allergies", "Objective", "Assessment", "Plan"]) {
      expect(html).toContain(`>${heading}</h3>`);
    }
    // Bullets and bold speaker names come out as HTML elements, not Markdown text.
    expect(html).toMatch(/<li><strong>[^<]+:<\/strong>/);
    expect(html).not.toContain("**");
  });

  it("renders list sections item by item, and says None for an empty one", () => {
    const summary = summarizeExtractively({ segments: lectureTranscript, template: "Educational Lecture", language: "en" }) as Record<string, unknown>;
    const lecture = summary.lecture as Record<string, string[]>;
    const html = render("Educational Lecture", { ...summary, lecture: { ...lecture, assignments: [] } });
    for (const heading of ["Topics", "Key points", "Questions", "Assignments"]) expect(html).toContain(`>${heading}</h3>`);
    expect(html).toContain("None.");
  });

  it("never renders raw HTML or javascript: links from a summary's text", () => {
    const html = render("SOAP", {
      summary: '- <script>alert("x")</script> point <img src=x onerror=alert(1)>\n- [click](javascript:alert(1))',
      SOAP: { subjective: "<iframe src='https://example.com'></iframe>\n\nFeels <b>fine</b>.", objective: "Not discussed.", assessment: "Not discussed.", plan: "Not discussed." },
    });
    expect(html).not.toMatch(/<script|<img|<iframe|<b>|onerror|javascript:/i);
    expect(html).toContain("Feels fine.");
    expect(html).toContain(">click</a>");
  });
});

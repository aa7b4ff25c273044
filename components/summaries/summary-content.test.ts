// A stored summary's sections show in the template's reading order, whatever order the database returned the keys in.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { expect, it } from "vitest";
import { sectionOrder } from "@/lib/summaries/templates";
import { SummaryContent } from "./summary-content";

const headings = (html: string) => [...html.matchAll(/<h3[^>]*>([^<]+)<\/h3>/g)].map((m) => m[1]);

it("orders SOAP as Subjective, Objective, Assessment, Plan, and Extended SOAP with the chief complaint first", () => {
  expect(sectionOrder("SOAP")).toEqual(["subjective", "objective", "assessment", "plan"]);
  // jsonb's own key order: shorter keys first.
  const soap = { summary: "Overview.", SOAP: { plan: "P.", objective: "O.", assessment: "A.", subjective: "S." } };
  expect(headings(renderToStaticMarkup(createElement(SummaryContent, { template: "SOAP", summary: soap })))).toEqual(["Summary", "Subjective", "Objective", "Assessment", "Plan"]);
  const extended = {
    summary: "Overview.",
    extended_SOAP: { plan: "P.", allergies: "None.", objective: "O.", assessment: "A.", subjective: "S.", medications: "M.", chief_complaint: "Cough." },
  };
  expect(headings(renderToStaticMarkup(createElement(SummaryContent, { template: "Extended SOAP", summary: extended })))).toEqual([
    "Summary",
    "Chief complaint",
    "Subjective",
    "Medications",
    "Allergies",
    "Objective",
    "Assessment",
    "Plan",
  ]);
});

// Renders a summary's Markdown and its template's sections; raw HTML in the text is never rendered.
import Markdown from "react-markdown";
import { sectionOrder, type SummaryTemplate } from "@/lib/summaries/templates";

const SECTION_LABELS: Record<string, string> = {
  chief_complaint: "Chief complaint",
  subjective: "Subjective",
  medications: "Medications",
  allergies: "Allergies",
  objective: "Objective",
  assessment: "Assessment",
  plan: "Plan",
  topics: "Topics",
  key_points: "Key points",
  questions: "Questions",
  assignments: "Assignments",
  difficulties: "Difficulties",
  progress: "Progress",
  next_steps: "Next steps",
};

// Which key of the summary holds the template's sections.
const SECTIONS_KEY: Partial<Record<SummaryTemplate, string>> = {
  SOAP: "SOAP",
  "Extended SOAP": "extended_SOAP",
  "Educational Lecture": "lecture",
  "Educational Tutoring": "tutoring",
};

const prose =
  "space-y-2 text-sm leading-6 text-zinc-800 dark:text-zinc-200 [&_ul]:list-disc [&_ul]:space-y-1 [&_ul]:pl-5 [&_ol]:list-decimal [&_ol]:pl-5 [&_strong]:font-semibold [&_a]:text-brand-700 [&_a]:underline dark:[&_a]:text-brand-100";

/** Markdown without raw HTML (react-markdown drops it unless a plugin allows it) and with unsafe link targets removed. */
function Md({ children }: { children: string }) {
  return (
    <div className={prose}>
      <Markdown skipHtml>{children}</Markdown>
    </div>
  );
}

export function SummaryContent({ template, summary }: { template: SummaryTemplate; summary: Record<string, unknown> }) {
  const key = SECTIONS_KEY[template];
  const stored = key && summary[key] && typeof summary[key] === "object" ? (summary[key] as Record<string, unknown>) : null;
  // In the template's order, not the order the database returns the keys in; any unknown section comes last.
  const order = sectionOrder(template);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const sections = stored ? Object.fromEntries(Object.entries(stored).sort(([a], [b]) => rank(a) - rank(b))) : null;
  return (
    <div className="space-y-5">
      {typeof summary.summary === "string" && (
        <section aria-labelledby="summary-overview">
          <h3 id="summary-overview" className="mb-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            Summary
          </h3>
          <Md>{summary.summary}</Md>
        </section>
      )}
      {sections &&
        Object.entries(sections).map(([name, value]) => (
          <section key={name} aria-labelledby={`summary-section-${name}`}>
            <h3 id={`summary-section-${name}`} className="mb-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
              {SECTION_LABELS[name] ?? name}
            </h3>
            {Array.isArray(value) ? (
              value.length === 0 ? (
                <p className="text-sm text-zinc-500 dark:text-zinc-400">None.</p>
              ) : (
                <ul className="list-disc space-y-1 pl-5">
                  {value.map((item, i) => (
                    <li key={i}>
                      <Md>{String(item)}</Md>
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <Md>{String(value)}</Md>
            )}
          </section>
        ))}
    </div>
  );
}

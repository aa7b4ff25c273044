// Renders a transcript's Markdown safely (react-markdown, no raw HTML) with anchors on timestamps and search highlights.
import ReactMarkdown from "react-markdown";

// The few hast (HTML syntax tree) shapes these plugins touch.
type HText = { type: "text"; value: string };
type HElement = { type: "element"; tagName: string; properties?: Record<string, unknown>; children: HNode[] };
type HNode = HText | HElement | { type: "comment" | "doctype" | "raw"; value?: string };
type HRoot = { type: "root"; children: HNode[] };

/** "t-00-01-05" for 65 s: the anchor id of the paragraph spoken at that time. */
export function timeAnchor(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `t-${pad(Math.floor(seconds / 3600))}-${pad(Math.floor((seconds % 3600) / 60))}-${pad(seconds % 60)}`;
}

const stampPattern = /^\[(\d{2}):(\d{2}):(\d{2})\]/;

/**
 * Each "**[00:01:05] Ana:** …" paragraph gets id t-00-01-05 and its timestamp becomes a link to itself, so that a
 * moment can be linked to and jumped to.
 */
function rehypeTimestampAnchors() {
  return (tree: HRoot) => {
    for (const node of tree.children) {
      if (node.type !== "element" || node.tagName !== "p") continue;
      const strong = node.children[0];
      if (!strong || strong.type !== "element" || strong.tagName !== "strong") continue;
      const first = strong.children[0];
      if (!first || first.type !== "text") continue;
      const match = stampPattern.exec(first.value);
      if (!match) continue;
      const id = timeAnchor(Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]));
      node.properties = { ...node.properties, id, className: ["transcript-line"] };
      const link: HElement = {
        type: "element",
        tagName: "a",
        properties: { href: `#${id}`, className: ["transcript-time"], title: "Link to this moment" },
        children: [{ type: "text", value: match[0] }],
      };
      strong.children.splice(0, 1, link, { type: "text", value: first.value.slice(match[0].length) });
    }
  };
}

function escapeRegExp(value: string) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Wraps every case-insensitive occurrence of the words of `query` in text nodes in <mark>. */
function rehypeHighlight(query: string) {
  const words = [...new Set(query.trim().split(/\s+/).filter(Boolean))].sort((a, b) => b.length - a.length);
  const pattern = words.length ? new RegExp(`(${words.map(escapeRegExp).join("|")})`, "giu") : null;
  return () => (tree: HRoot) => {
    if (!pattern) return;
    const visit = (parent: HRoot | HElement) => {
      const out: HNode[] = [];
      for (const child of parent.children) {
        if (child.type === "text") {
          const parts = child.value.split(pattern);
          if (parts.length === 1) {
            out.push(child);
            continue;
          }
          parts.forEach((part, i) => {
            if (part === "") return;
            if (i % 2 === 1) {
              out.push({ type: "element", tagName: "mark", properties: { "data-hit": "" }, children: [{ type: "text", value: part }] });
            } else {
              out.push({ type: "text", value: part });
            }
          });
        } else {
          if (child.type === "element") visit(child);
          out.push(child);
        }
      }
      parent.children = out;
    };
    visit(tree);
  };
}

export function TranscriptMarkdown({ markdown, highlight = "" }: { markdown: string; highlight?: string }) {
  return (
    <div className="transcript-markdown">
      {/* No rehype-raw: HTML in the text stays text. skipHtml drops any raw HTML node outright. */}
      {/* Headings move one level down: the page's own h1 names the transcript. */}
      <ReactMarkdown skipHtml rehypePlugins={[rehypeTimestampAnchors, rehypeHighlight(highlight)]} components={{ h1: "h2", h2: "h3", h3: "h4" }}>
        {markdown}
      </ReactMarkdown>
    </div>
  );
}

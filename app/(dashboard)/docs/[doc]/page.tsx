// The guides in docs/ inside the dashboard, so pages can link to them on any install (an allowlist, never a path).
import fs from "node:fs/promises";
import path from "node:path";
import Link from "next/link";
import { notFound } from "next/navigation";
import Markdown from "react-markdown";
import { Card } from "@/components/ui/card";

const guides: Record<string, { file: string; title: string; back: { href: string; label: string } }> = {
  webhooks: { file: "webhooks.md", title: "Webhook events", back: { href: "/configure/webhooks", label: "Webhooks" } },
  "webhook-verification": { file: "webhook-verification.md", title: "Verifying webhooks", back: { href: "/docs/webhooks", label: "Webhook events" } },
  "live-transcript": { file: "live-transcript.md", title: "Following the live transcript", back: { href: "/docs/webhooks", label: "Webhook events" } },
};

const prose =
  "space-y-3 text-sm leading-6 text-zinc-800 dark:text-zinc-200 [&_h1]:text-2xl [&_h1]:font-semibold [&_h2]:mt-8 [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:mt-6 [&_h3]:font-semibold [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[13px] dark:[&_code]:bg-zinc-800 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-zinc-100 [&_pre]:p-3 dark:[&_pre]:bg-zinc-800/60 [&_pre_code]:bg-transparent [&_table]:w-full [&_td]:border-t [&_td]:border-zinc-200 [&_td]:py-1.5 [&_td]:pr-3 [&_td]:align-top dark:[&_td]:border-zinc-800 [&_th]:py-1.5 [&_th]:pr-3 [&_th]:text-left [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5 [&_a]:text-brand-700 [&_a]:underline dark:[&_a]:text-brand-100";

export async function generateMetadata({ params }: { params: Promise<{ doc: string }> }) {
  return { title: guides[(await params).doc]?.title ?? "Guide" };
}

/** A link between guides ("webhook-verification.md") becomes its page here. */
function guideUrl(url: string): string {
  const match = /^(?:\.\/)?([a-z-]+)\.md(#.*)?$/.exec(url);
  return match && guides[match[1]] ? `/docs/${match[1]}${match[2] ?? ""}` : url;
}

export default async function GuidePage({ params }: { params: Promise<{ doc: string }> }) {
  const guide = guides[(await params).doc];
  if (!guide) notFound();
  const markdown = await fs.readFile(path.join(process.cwd(), "docs", guide.file), "utf8");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <Link href={guide.back.href} className="text-brand-700 hover:underline dark:text-brand-100">
          ← {guide.back.label}
        </Link>
      </nav>
      <Card className="px-5 py-6 md:px-8">
        <article className={prose}>
          <Markdown skipHtml urlTransform={guideUrl}>
            {markdown}
          </Markdown>
        </article>
      </Card>
    </>
  );
}

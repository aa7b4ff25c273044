// The root layout: html, global styles and client providers for every page.
import type { Metadata } from "next";
import { Providers } from "./providers";
import "./globals.css";

// Every page reads the database or the session: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Verbatim", template: "%s · Verbatim" },
  description: "Live session transcription without recording",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}

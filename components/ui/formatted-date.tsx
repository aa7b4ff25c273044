"use client";
// Dates shown in the viewer's own locale and time zone.
import { useEffect, useState } from "react";

/** A date in the viewer's locale and time zone; the ISO value until hydrated, so server and client agree. */
export function FormattedDate({ iso, withTime = true }: { iso: string; withTime?: boolean }) {
  const [text, setText] = useState(iso.slice(0, 16).replace("T", " ") + " UTC");
  useEffect(() => {
    setText(new Date(iso).toLocaleString(undefined, withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" }));
  }, [iso, withTime]);
  return <time dateTime={iso}>{text}</time>;
}

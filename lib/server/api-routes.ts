// Imports every module that registers REST routes with the OpenAPI registry, so the served document lists them all.
import "@/lib/rooms/api-docs";
import "@/lib/transcripts/api-docs";
import "@/lib/webhooks/api-docs";
import "@/lib/pipeline/api-docs";
import "@/lib/summaries/api-docs";
import "@/lib/usage/api-docs";

export {};

// Auth.js's own routes (session, CSRF, callbacks) under /api/auth.
import { handlers } from "@/lib/auth/next-auth";

export const { GET, POST } = handlers;

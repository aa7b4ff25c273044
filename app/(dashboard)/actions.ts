"use server";
import { signOut } from "@/lib/auth/next-auth";

// Signing out needs no role: it only ends the caller's own session.
export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}

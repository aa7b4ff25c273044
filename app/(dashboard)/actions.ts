"use server";
// The dashboard's sign-out action.
import { signOut } from "@/lib/auth/next-auth";
import { endCurrentSession } from "@/lib/auth/session";

// Signing out needs no role: it only ends the caller's own session, on the server too (a copied cookie stops working).
export async function signOutAction() {
  await endCurrentSession();
  await signOut({ redirectTo: "/sign-in" });
}

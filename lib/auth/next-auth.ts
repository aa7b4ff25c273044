// Auth.js (next-auth v5): email and password sign-in, JWT sessions that expire; the only lib module bound to next-auth.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { appEnv } from "@/lib/config/env";
import { authSecret } from "@/lib/config/secrets";
import { getDb } from "@/lib/db/client";
import { verifyCredentials } from "@/lib/accounts/accounts";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const env = appEnv();
  return {
    secret: authSecret(env),
    // Self-hosted: the operator's proxy decides the host; VERBATIM_PUBLIC_URL builds absolute links.
    trustHost: true,
    session: { strategy: "jwt", maxAge: env.VERBATIM_SESSION_MAX_AGE_HOURS * 3600 },
    pages: { signIn: "/sign-in" },
    // A wrong password is an expected event, not a server error worth a stack trace.
    logger: {
      error(error: Error) {
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
        console.error("[auth]", error);
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials) {
          const email = typeof credentials?.email === "string" ? credentials.email : "";
          const password = typeof credentials?.password === "string" ? credentials.password : "";
          if (!email || !password) throw new InvalidCredentials();
          const user = await verifyCredentials(await getDb(), email, password);
          if (!user) throw new InvalidCredentials();
          return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } as never;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 1;
        }
        return token;
      },
      session({ session, token }) {
        (session as unknown as { uid: unknown; sv: unknown }).uid = token.uid;
        (session as unknown as { uid: unknown; sv: unknown }).sv = token.sv;
        return session;
      },
    },
  };
});

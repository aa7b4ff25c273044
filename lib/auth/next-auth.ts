// Auth.js (next-auth v5): email and password sign-in, JWT sessions that expire; the only lib module bound to next-auth.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { appEnv } from "@/lib/config/env";
import { authSecret } from "@/lib/config/secrets";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/net/client-address";
import { signInWithThrottle } from "./sign-in-throttle";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}

/** Too many attempts for this email or address; the code carries the wait in seconds to the sign-in form. */
export class TooManySignInAttempts extends CredentialsSignin {
  constructor(seconds: number) {
    super();
    this.code = `too_many_attempts:${seconds}`;
  }
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
        async authorize(credentials, request) {
          const email = typeof credentials?.email === "string" ? credentials.email : "";
          const password = typeof credentials?.password === "string" ? credentials.password : "";
          if (!email || !password) throw new InvalidCredentials();
          const outcome = await signInWithThrottle(await getDb(), { email, password, clientAddress: clientAddress(request.headers) });
          if (outcome.kind === "throttled") throw new TooManySignInAttempts(outcome.retryAfterSeconds);
          if (outcome.kind === "invalid") throw new InvalidCredentials();
          const { user } = outcome;
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

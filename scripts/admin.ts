// The operator CLI: provisioning without a browser, on the same configuration (and database) as the app.
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { ZodError } from "zod";
import { appEnv, ConfigError } from "@/lib/config/env";
import { databaseTargetFromEnv, openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { createAccountWithAdmin, findUserByEmail, resetPassword } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { AppError } from "@/lib/errors";

const usage = `Usage: npm run admin -- <command> [options]

Commands:
  create-admin --email E --password P --account NAME [--name N]   create an account and its first admin
  create-api-key --email E --name N                                create an API key for the admin's account;
                                                                   the key is printed alone on the last line
  reset-password --email E [--password P]                          set a new password (generated and printed
                                                                   when not given) and end the user's sessions`;

class UsageError extends Error {}

function need(values: Record<string, string | undefined>, ...names: string[]) {
  const missing = names.filter((n) => !values[n]);
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(", ")}`);
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    console.log(usage);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: "string" }, password: { type: "string" }, account: { type: "string" }, name: { type: "string" } },
    strict: true,
  });
  if (!["create-admin", "create-api-key", "reset-password"].includes(command)) throw new UsageError(`Unknown command "${command}"`);

  const handle = await openDatabase(databaseTargetFromEnv(appEnv()));
  try {
    await runMigrations(handle);
    const db = handle.db;
    if (command === "create-admin") {
      need(values, "email", "password", "account");
      const { account, user } = await createAccountWithAdmin(
        db,
        { accountName: values.account!, name: values.name ?? values.email!.split("@")[0], email: values.email!, password: values.password! },
        { onlyIfEmpty: false, via: "cli" },
      );
      console.log(`Created account "${account.name}" (${account.id}) with admin ${user.email}.`);
    } else if (command === "create-api-key") {
      need(values, "email", "name");
      const user = await findUserByEmail(db, values.email!);
      if (!user) throw new AppError("not_found", `No user with the email ${values.email}`);
      if (user.role !== "admin") throw new AppError("forbidden", `${user.email} is not an admin; only admins own API keys`);
      const created = await createApiKey(db, { accountId: user.accountId, userId: user.id, role: "admin", label: "operator CLI", via: "cli" }, values.name!);
      console.log(`Created API key "${created.name}" for ${user.email}'s account. It is shown only now:`);
      console.log(created.key);
    } else {
      need(values, "email");
      const password = values.password ?? randomBytes(15).toString("base64url");
      const user = await resetPassword(db, values.email!, password);
      console.log(`Password of ${user.email} reset; their existing sessions have ended.`);
      if (!values.password) console.log(`New password: ${password}`);
    }
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
  else if (error instanceof ZodError) console.error(`Error: ${error.issues.map((i) => i.message).join("; ")}`);
  else if (error instanceof AppError || error instanceof ConfigError) console.error(`Error: ${error.message}`);
  else if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) console.error(`${error.message}\n\n${usage}`);
  else console.error(error instanceof Error ? `Error: ${error.message}` : error);
  process.exit(1);
});

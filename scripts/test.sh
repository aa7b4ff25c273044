#!/usr/bin/env bash
# `npm test`: checks the prerequisites, type-checks, runs the unit and integration tests (PGlite and PostgreSQL),
# then the Playwright tests in Debian's Chromium. Prints one "N passed, N failed" line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-prereqs.sh || exit 1

PG_URL="${VERBATIM_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! node -e '
  const sql = require("postgres")(process.argv[1], { max: 1, connect_timeout: 5, onnotice() {} });
  sql`select 1`.then(() => sql.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
' "$PG_URL"; then
  echo "PostgreSQL is not reachable at $PG_URL: the integration tests run on it as well as on PGlite." >&2
  echo "Start it (Debian: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) or set VERBATIM_TEST_DATABASE_URL." >&2
  exit 1
fi

mkdir -p .test-reports
echo "== Type check"
npx tsc --noEmit -p . || { echo "Type check failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== Unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-reports/vitest.json
vitest_status=$?

echo "== Browser tests (playwright, Debian chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.test-reports/playwright.json npx playwright test --reporter=list,json
playwright_status=$?

node -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
  const v = read(".test-reports/vitest.json"), p = read(".test-reports/playwright.json");
  let passed = 0, failed = 0;
  if (v) { passed += v.numPassedTests; failed += v.numFailedTests; } else failed += 1;
  if (p) { passed += p.stats.expected; failed += p.stats.unexpected + (p.stats.flaky || 0); } else failed += 1;
  const skipped = (v ? v.numPendingTests + v.numTodoTests : 0) + (p ? p.stats.skipped : 0);
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
[ $vitest_status -eq 0 ] && [ $playwright_status -eq 0 ]

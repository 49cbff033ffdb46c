/**
 * `npm run faults`: the hub as its own process against loopback fakes and the embedded database,
 * with one fault per scenario (Bot API 429/500, a hung call, the database killed and frozen, the
 * hub SIGKILLed, every webhook delivered again, hostile payloads). Writes bench/faults.md and
 * bench/faults.json and exits 1 on any loss, duplicate, crash or unsafe acceptance.
 * `FAULTS_ONLY=db-kill,hostile` runs a subset.
 */
import { killAllDatabases } from './faults/database';
import { killAllHubProcesses } from './faults/hub';
import { problems, writeReport } from './faults/report';
import { SCENARIOS } from './faults/scenarios';
import type { Row } from './faults/world';

/** Whatever happens — an error, Ctrl-C, a kill — nothing the run started outlives it. */
function cleanUp(): void {
  killAllHubProcesses();
  killAllDatabases();
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

async function main(): Promise<number> {
  const only = (process.env.FAULTS_ONLY ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(
      `FAULTS_ONLY: unknown ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
    return 2;
  }
  const chosen = only.length ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const startedAt = new Date();
  const began = performance.now();
  const rows: Row[] = [];
  for (const scenario of chosen) {
    console.log(`▶ ${scenario.name}: ${scenario.fault}`);
    const row = await scenario.run();
    rows.push(row);
    const found = problems(row);
    console.log(`  ${row.seconds} s — ${found.length ? found.join(', ') : 'ok'}`);
  }
  console.log(await writeReport(rows, startedAt, (performance.now() - began) / 1000));
  return rows.some((row) => problems(row).length > 0) ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

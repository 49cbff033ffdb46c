/** The fault run's table: bench/faults.md for people, bench/faults.json with every count. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/infra/project-root';
import { writeFormatted } from '../bench/report';
import type { Row } from './world';

/** What makes a row fail: any loss, duplicate, crash or unsafe acceptance, or a broken run. */
export function problems(row: Row): string[] {
  const found: [number, string][] = [
    [row.inLost, 'inbound lost'],
    // Refused until the end is lost as surely as taken and dropped: the messenger gives up.
    [row.neverTaken, 'never taken'],
    [row.inDuplicated, 'inbound duplicated'],
    [row.cardsLost, 'cards lost'],
    [row.cardsDoubled, 'cards doubled'],
    [row.outLost, 'replies lost'],
    [row.outDuplicated, 'replies duplicated'],
    [row.outLate, 'replies held > 10 s behind another chat'],
    [row.crashes, 'hub crashes'],
    [row.unsafe, 'unsafe input accepted'],
    // Under hostile input a 5xx or no answer is a defect (redelivered forever); in the streams it
    // is the fault itself (a database down), and only what it loses or doubles counts.
    [row.scenario === 'hostile' ? row.failedAnswers : 0, '5xx or no answer'],
  ];
  return [
    ...found.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`),
    ...(row.error ? [`run failed: ${row.error}`] : []),
  ];
}

export function machine() {
  const cpus = os.cpus();
  let nproc = cpus.length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // no nproc: the cores Node sees
  }
  return {
    nproc,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export async function writeReport(rows: Row[], startedAt: Date, seconds: number): Promise<string> {
  const host = machine();
  const header = [
    'scenario',
    'fault',
    'in: sent / 2xx / stored once',
    'in lost',
    'in dup',
    'never taken',
    'cards lost',
    'cards doubled',
    'replies: taken / once',
    'out lost',
    'out dup',
    'out held',
    '5xx / no answer',
    'crashes',
    'unsafe',
    'ok',
    'notes',
  ];
  const lines = [
    '# linehub fault runs',
    '',
    `- Date: ${startedAt.toISOString()} (${Math.round(seconds)} s in all)`,
    `- Machine: nproc ${host.nproc}, ${host.cpuModel}, ${host.memoryGb} GB, ${host.platform}, node ${host.node}`,
    '- How: `npm run faults` runs `tsx src/main.ts` as its own process against loopback fakes (Bot API, VK, Viber) and the embedded database (its own server per scenario), posting webhooks as Telegram does (redelivered until 2xx). Lost = answered 2xx / taken but never stored / shown / delivered; dup = more than once; never taken = posted (a customer message, a manager reply) but never answered 2xx by the end, a loss too; lost is counted when the scenario ends (its fault over for 30–45 s); held = a reply to another chat that waited > 10 s behind the hung one. Raw counts: `bench/faults.json`.',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => {
      const found = problems(row);
      return `| ${[
        row.scenario,
        cell(row.fault),
        `${row.inSent} / ${row.inAccepted} / ${row.inStoredOnce}`,
        row.inLost,
        row.inDuplicated,
        row.neverTaken,
        row.cardsLost,
        row.cardsDoubled,
        `${row.repliesAccepted} / ${row.outOnce}`,
        row.outLost,
        row.outDuplicated,
        row.outLate,
        row.failedAnswers,
        row.crashes,
        row.unsafe,
        found.length === 0 ? '✅' : `❌ ${cell(found.join(', '))}`,
        cell(row.notes.join('; ')),
      ].join(' | ')} |`;
    }),
    '',
  ];
  const markdown = lines.join('\n');
  const dir = path.join(PROJECT_ROOT, 'bench');
  mkdirSync(dir, { recursive: true });
  await writeFormatted(path.join(dir, 'faults.md'), markdown);
  await writeFormatted(
    path.join(dir, 'faults.json'),
    `${JSON.stringify({ date: startedAt.toISOString(), seconds, machine: host, rows }, null, 2)}\n`,
  );
  return markdown;
}

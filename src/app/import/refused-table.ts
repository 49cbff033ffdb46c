import type { RefusalReason } from './columns';
import type { ImportReport } from './ports';

export interface RefusedTableLabels {
  line: string;
  reason: string;
  reasonOf(reason: RefusalReason): string;
}

/**
 * The refused rows as they were in the file, under its own header, with their line and the reason
 * in words: the person corrects them and sends the same file back.
 */
export function refusedTable(report: ImportReport, labels: RefusedTableLabels): string[][] {
  const width = report.header.length;
  return [
    [labels.line, ...report.header, labels.reason],
    ...report.refused.map((row) => [
      String(row.line),
      ...Array.from({ length: width }, (_, index) => row.cells[index] ?? ''),
      labels.reasonOf(row.reason),
    ]),
  ];
}

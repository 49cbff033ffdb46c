import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

export type TableFormat = 'csv' | 'xlsx';

/** XLSX files are ZIP archives; anything else is read as CSV (a wrong file then lacks columns). */
export const formatOf = (data: Buffer): TableFormat =>
  data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';

/** Spreadsheets open UTF-8 CSV as Cyrillic only with a byte-order mark. */
const BOM = '\uFEFF';

/**
 * The rows of a CSV or XLSX file as text, the header first. CSV may use `,`, `;` (Excel in Russian
 * locales) or tabs; XLSX is read from its first sheet, every cell as the text it shows.
 */
export async function readTable(data: Buffer): Promise<string[][]> {
  if (formatOf(data) === 'csv') {
    return parse(data, {
      bom: true,
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      relax_quotes: true,
      // Blank lines are kept (as blank rows, skipped later) so row numbers stay the file's lines.
      skip_empty_lines: false,
    }) as string[][];
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  const width = sheet.columnCount;
  // Empty rows too, so each row's index is its number in the sheet (the person's "line").
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: string[] = [];
    for (let column = 1; column <= width; column++) cells.push(row.getCell(column).text ?? '');
    rows[number - 1] = cells;
  });
  return Array.from(rows, (cells) => cells ?? []);
}

/** A small table as CSV text (the refused rows of an import, in the API's answer). */
export const csvText = (rows: string[][]): string => stringify(rows);

/** A small table as a CSV file's bytes (the refused rows of an import, sent in the chat). */
export function csvBytes(rows: string[][]): Buffer {
  return Buffer.from(BOM + csvText(rows), 'utf8');
}

/** A table written a page at a time to a temporary file, so a big export never sits in memory. */
export interface TableFile {
  add(rows: string[][]): Promise<void>;
  /** Closes the file; `remove` deletes it once it has been sent. */
  finish(): Promise<{ path: string; size: number; remove(): Promise<void> }>;
  /** Drops a file that will not be sent (the export failed). */
  discard(): Promise<void>;
}

export async function createTableFile(
  format: TableFormat,
  name: string,
  header: string[],
): Promise<TableFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'linehub-export-'));
  const file = path.join(dir, name);
  const remove = () => rm(dir, { recursive: true, force: true });
  if (format === 'csv') {
    const out = createWriteStream(file);
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write(BOM + stringify([header]));
    return {
      add: (rows) => write(stringify(rows)),
      async finish() {
        out.end();
        await once(out, 'finish');
        return { path: file, size: (await stat(file)).size, remove };
      },
      async discard() {
        out.destroy();
        await remove();
      },
    };
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file });
  const sheet = workbook.addWorksheet('export');
  sheet.addRow(header).commit();
  return {
    async add(rows) {
      for (const row of rows) sheet.addRow(row).commit();
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
      return { path: file, size: (await stat(file)).size, remove };
    },
    async discard() {
      await workbook.commit().catch(() => undefined);
      await remove();
    },
  };
}

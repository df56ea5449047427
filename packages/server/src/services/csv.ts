/**
 * The one CSV writer of the API's `text/csv` answers (deposit receipts, payer statement, deposit
 * split, contributor statement): RFC 4180 cells, CRLF lines, a header row.
 */

/**
 * Cells a spreadsheet would run as a formula: a trigger (= + - @, or their full-width forms, which
 * some spreadsheets normalise) after any leading whitespace, or a leading tab or carriage return.
 */
const FORMULA = /^(\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r])/;

export const csvCell = (value: unknown): string => {
  let text = value === null || value === undefined ? "" : String(value);
  // A spreadsheet must not run a cell as a formula (identities and memos are free text).
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** A CSV document: the header row, then one line per row (null and undefined cells are empty). */
export const toCsv = (header: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";

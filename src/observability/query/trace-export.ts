/**
 * A search's traces written out as JSON (one array), NDJSON (one object a line) or CSV
 * (RFC 4180, a header line), page by page: each page is formatted and written alone, so an
 * export of any size holds one page in memory. Pure formatting; the paging is in
 * TraceQueryService.exportPages and the writing, with backpressure, in the controller.
 */
export const EXPORT_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Columns of a CSV export, in order (the summary fields). */
export const CSV_COLUMNS = [
  'trace_id',
  'root_name',
  'root_service',
  'start_time',
  'end_time',
  'duration_ms',
  'span_count',
  'error_count',
  'status',
  'services',
  'models',
  'input_tokens',
  'output_tokens',
  'total_tokens',
] as const;

/**
 * One CSV field: quoted when it holds a comma, quote or line break; arrays joined with `;`.
 * A text starting with = + - @ (or a tab or CR) is prefixed with ' so that a spreadsheet
 * opening the file does not run it as a formula (OWASP CSV injection).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The text that opens an export, before any page. */
export const exportHead = (format: ExportFormat): string =>
  format === 'json' ? '[' : format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';

/** The text of one page; `first`: no item was written before it (JSON's commas). */
export function exportPage(format: ExportFormat, items: ReadonlyArray<object>, first: boolean): string {
  if (format === 'csv') return items.map((i) => `${CSV_COLUMNS.map((c) => csvField((i as Record<string, unknown>)[c])).join(',')}\r\n`).join('');
  if (format === 'ndjson') return items.map((i) => `${JSON.stringify(i)}\n`).join('');
  return items.map((i, n) => `${first && n === 0 ? '' : ','}${JSON.stringify(i)}`).join('');
}

export const exportTail = (format: ExportFormat): string => (format === 'json' ? ']' : '');

/**
 * Writes every page through `write` (which resolves once the chunk is taken, honouring
 * backpressure), stopping when `stopped()` says the client went away. Returns the items written.
 */
export async function streamExport(
  format: ExportFormat,
  pages: AsyncIterable<ReadonlyArray<object>>,
  write: (chunk: string) => Promise<void>,
  stopped: () => boolean,
): Promise<number> {
  let written = 0;
  await write(exportHead(format));
  for await (const page of pages) {
    if (stopped()) return written;
    await write(exportPage(format, page, written === 0));
    written += page.length;
  }
  await write(exportTail(format));
  return written;
}

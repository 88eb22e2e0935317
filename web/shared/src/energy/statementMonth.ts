/**
 * Statement months (`YYYY-MM`, as the gateway's `/v1/me/statements/{month}` takes them), pure.
 * The gateway counts months in its statements' local time; the page picks them in the browser's,
 * and the gateway refuses a month that has not started there (422 statement_month_in_future).
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The month of `date` in the local time `utcOffsetMinutes` east of UTC. */
export function monthOf(date: Date, utcOffsetMinutes: number): string {
  const shifted = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  return `${String(shifted.getUTCFullYear()).padStart(4, "0")}-${String(shifted.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The browser's current month (its own offset from UTC). */
export function currentMonth(now: Date = new Date()): string {
  return monthOf(now, -now.getTimezoneOffset());
}

/** The month `count` months after `month` (negative: before). */
export function addMonths(month: string, count: number): string {
  const match = MONTH.exec(month);
  if (!match) throw new SyntaxError(`"${month}" is not a month (YYYY-MM)`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + count;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String(index - year * 12 + 1).padStart(2, "0")}`;
}

/** The file name the gateway gives a statement download (`Content-Disposition`). */
export function statementFileName(month: string, extension: "csv" | "pdf"): string {
  return `gridtokenx-statement-${month}.${extension}`;
}

/** The `filename="…"` of a Content-Disposition header, or null. */
export function attachmentName(header: string | null): string | null {
  const match = header ? /filename="([^"]+)"/.exec(header) : null;
  return match?.[1] ?? null;
}

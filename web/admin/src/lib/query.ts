/** Query strings and times for the gateway's operator routes. Pure. */

/** `?name=value&…` of the set values (empty strings, nulls and undefined left out). */
export function queryString(values: Readonly<Record<string, string | number | boolean | null | undefined>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** `datetime-local` text (the browser's zone) → an ISO instant the gateway accepts, or "". */
export function isoInstant(local: string): string {
  if (!local) return "";
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

const DIGITS = /^[1-9]\d{0,18}$/;

/** A positive integer typed as digits (at most 19 of them: PostgreSQL's bigint), or null. */
export function positiveInteger(text: string): bigint | null {
  const trimmed = text.trim();
  if (!DIGITS.test(trimmed)) return null;
  const value = BigInt(trimmed);
  return value <= 9_223_372_036_854_775_807n ? value : null;
}

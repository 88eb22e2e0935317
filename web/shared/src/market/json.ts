/**
 * JSON text → values in which every integer is a bigint, exact beyond 2^53: the gateway writes
 * base units, sequences and times as JSON integers. The reviver reads each number's source text
 * (`JSON.parse` source text access, Chromium 114+); where a runtime does not pass it (Node 20),
 * the parsed number is converted, exact up to 2^53.
 */

type Reviver = (this: unknown, key: string, value: unknown, context?: { readonly source?: string }) => unknown;

const INTEGER = /^-?\d+$/;

const reviveIntegers: Reviver = (_key, value, context) => {
  if (typeof value !== "number") return value;
  const source = context?.source;
  if (source !== undefined) return INTEGER.test(source) ? BigInt(source) : value;
  return Number.isInteger(value) ? BigInt(value) : value;
};

export function parseJsonWithBigints(text: string): unknown {
  return JSON.parse(text, reviveIntegers as (this: unknown, key: string, value: unknown) => unknown);
}

/** A field of a parsed object as a bigint (or null), refusing anything else by name. */
export function bigintField(object: unknown, name: string): bigint {
  const value = (object as Record<string, unknown> | null)?.[name];
  if (typeof value !== "bigint") throw new TypeError(`field ${name} is not an integer`);
  return value;
}

export function optionalBigintField(object: unknown, name: string): bigint | null {
  const value = (object as Record<string, unknown> | null)?.[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== "bigint") throw new TypeError(`field ${name} is not an integer`);
  return value;
}

/**
 * The names people give their meters. The gateway stores no meter name (a meter is its id), so
 * the name typed in the registration form is kept in this browser only, per meter id.
 */
export const METER_NAMES_STORAGE_KEY = "gridtokenx.meterNames";

export function meterNames(storage: Storage): Readonly<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(METER_NAMES_STORAGE_KEY) ?? "{}");
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}

export function rememberMeterName(storage: Storage, meterId: string, name: string): void {
  storage.setItem(METER_NAMES_STORAGE_KEY, JSON.stringify({ ...meterNames(storage), [meterId]: name }));
}

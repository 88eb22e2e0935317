/**
 * The meter registration request form, as pure functions: its fields checked and turned into the
 * gateway's `MeterRegistrationRequest` (power in W as bigint, never a float), a device key
 * generated from caller-supplied randomness, and the zones offered, read from the grid topology
 * GeoJSON (`GET /v1/grid/topology`). The gateway checks everything again; these checks only let
 * the form explain a mistake before anything is signed.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { PublicKey } from "@solana/web3.js";
import bs58 from "bs58";

import { parseBaseUnits } from "../format/units";

/** The gateway's limit on a meter's rated power, either way (10 MW). */
export const MAX_METER_POWER_W = 10_000_000n;
export const MAX_METER_NAME_LENGTH = 40;

export const METER_KINDS = [
  { value: 1, label: "solar" },
  { value: 2, label: "consumer" },
  { value: 3, label: "solar + battery" },
  { value: 4, label: "EV charger" },
] as const;

export type MeterKindValue = (typeof METER_KINDS)[number]["value"];

export interface MeterRequestForm {
  readonly name: string;
  readonly kind: string;
  readonly zone: string;
  readonly maxExportKw: string;
  readonly maxImportKw: string;
  /** Blank: the browser generates the device key. */
  readonly deviceKey: string;
}

export type MeterRequestField = "name" | "kind" | "zone" | "maxExport" | "maxImport" | "deviceKey";

export interface MeterRequestBody {
  readonly kind: MeterKindValue;
  readonly zone_id: bigint;
  readonly max_export_w: bigint;
  readonly max_import_w: bigint;
  /** Absent: generate one (see `generateDeviceKey`). */
  readonly device_pubkey: string | null;
}

export type MeterRequestCheck =
  | { readonly ok: true; readonly name: string; readonly body: MeterRequestBody }
  | { readonly ok: false; readonly errors: Readonly<Partial<Record<MeterRequestField, string>>> };

/** Rated power typed in kW (up to 3 decimals: whole watts) as W. */
export function parseKw(text: string): bigint {
  return parseBaseUnits(text, 3);
}

function powerError(text: string, what: string): string | null {
  let watts: bigint;
  try {
    watts = parseKw(text);
  } catch {
    return `Enter the rated ${what} power in kW, e.g. 10 or 7.5 (at most 3 decimals).`;
  }
  if (watts > MAX_METER_POWER_W) return `The rated ${what} power can be at most 10,000 kW (10 MW).`;
  return null;
}

/** Why `text` is no usable device public key, or null when it is one. */
export function deviceKeyError(text: string): string | null {
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(text);
  } catch {
    return "The device public key must be base58 (the characters 1-9, A-H, J-N, P-Z, a-k, m-z).";
  }
  if (bytes.length !== 32) return `The device public key must be 32 bytes; this one is ${bytes.length}.`;
  if (!PublicKey.isOnCurve(bytes)) return "This is not an Ed25519 public key (not on the curve): the meter could never sign a reading with it.";
  return null;
}

/** The form checked against the zones offered; the request body when it is all valid. */
export function checkMeterRequest(form: MeterRequestForm, zones: readonly bigint[]): MeterRequestCheck {
  const errors: Partial<Record<MeterRequestField, string>> = {};
  const name = form.name.trim();
  if (name === "") errors.name = "Give the meter a name, e.g. Roof panels.";
  else if (name.length > MAX_METER_NAME_LENGTH) errors.name = `At most ${MAX_METER_NAME_LENGTH} characters.`;
  const kind = METER_KINDS.find((candidate) => String(candidate.value) === form.kind);
  if (!kind) errors.kind = "Choose the kind of meter.";
  const zone = /^\d+$/.test(form.zone) ? BigInt(form.zone) : null;
  if (zone === null || !zones.includes(zone)) errors.zone = "Choose a zone of the grid.";
  const exportError = powerError(form.maxExportKw, "export");
  if (exportError) errors.maxExport = exportError;
  const importError = powerError(form.maxImportKw, "import");
  if (importError) errors.maxImport = importError;
  const deviceKey = form.deviceKey.trim();
  const keyError = deviceKey === "" ? null : deviceKeyError(deviceKey);
  if (keyError) errors.deviceKey = keyError;
  if (Object.keys(errors).length > 0 || !kind || zone === null) return { ok: false, errors };
  return {
    ok: true,
    name,
    body: {
      kind: kind.value,
      zone_id: zone,
      max_export_w: parseKw(form.maxExportKw),
      max_import_w: parseKw(form.maxImportKw),
      device_pubkey: deviceKey === "" ? null : deviceKey,
    },
  };
}

export interface DeviceKey {
  /** base58, what the gateway registers. */
  readonly publicKey: string;
  /** base58 of the 64 bytes secret seed ‖ public key (the Solana keypair format). */
  readonly secretKey: string;
}

/** An Ed25519 device key from a 32-byte random seed (e.g. `crypto.getRandomValues`). */
export function deviceKeyFromSeed(seed: Uint8Array): DeviceKey {
  if (seed.length !== 32) throw new RangeError(`a device key seed is 32 bytes, got ${seed.length}`);
  const publicKey = ed25519.getPublicKey(seed);
  const secret = new Uint8Array(64);
  secret.set(seed, 0);
  secret.set(publicKey, 32);
  return { publicKey: bs58.encode(publicKey), secretKey: bs58.encode(secret) };
}

export function generateDeviceKey(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): DeviceKey {
  return deviceKeyFromSeed(random(new Uint8Array(32)));
}

/** The zone ids of a grid topology FeatureCollection (features with `kind: "zone"`), sorted. */
export function zonesOfTopology(collection: unknown): bigint[] {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return [];
  const zones = new Set<bigint>();
  for (const feature of features) {
    const properties = (feature as { properties?: Record<string, unknown> } | null)?.properties;
    if (properties?.kind !== "zone") continue;
    const zone = properties.zone;
    if (typeof zone === "bigint") zones.add(zone);
    else if (typeof zone === "number" && Number.isSafeInteger(zone) && zone >= 0) zones.add(BigInt(zone));
  }
  return [...zones].sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

/** The registration statuses in which the owner still has something to sign. */
export const OWNER_STEPS = ["awaiting_nonce", "awaiting_owner"] as const;

/** What each status means for the owner (the status itself is part of the text). */
export function registrationStatusText(status: string, reason: string | null): string {
  switch (status) {
    case "awaiting_nonce":
      return "awaiting_nonce: the setup transaction has not landed; continue to sign it again";
    case "awaiting_owner":
      return "awaiting_owner: sign the registration transaction to send the request";
    case "pending_approval":
      return "pending approval by an operator";
    case "approved":
      return "approved: the meter is registered on chain";
    case "rejected":
      return `rejected: ${reason ?? "no reason given"}`;
    default:
      return status;
  }
}

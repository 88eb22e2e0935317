import { ed25519 } from "@noble/curves/ed25519.js";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";

import {
  checkMeterRequest,
  deviceKeyError,
  deviceKeyFromSeed,
  generateDeviceKey,
  parseKw,
  registrationStatusText,
  zonesOfTopology,
  type MeterRequestForm,
} from "../src/energy/meterRequest";

const FORM: MeterRequestForm = { name: " Roof panels ", kind: "1", zone: "3", maxExportKw: "7.5", maxImportKw: "10", deviceKey: "" };
const ZONES = [0n, 3n, 7n];

describe("deviceKeyFromSeed", () => {
  it("gives the Ed25519 public key of the seed and the 64-byte Solana secret (seed ‖ public)", () => {
    const seed = Uint8Array.from({ length: 32 }, (_, index) => index);
    const key = deviceKeyFromSeed(seed);
    const secret = bs58.decode(key.secretKey);
    expect(secret.length).toBe(64);
    expect([...secret.slice(0, 32)]).toEqual([...seed]);
    expect(bs58.encode(secret.slice(32))).toBe(key.publicKey);
    expect(key.publicKey).toBe(bs58.encode(ed25519.getPublicKey(seed)));
    // The secret signs readings the public key verifies.
    const message = new TextEncoder().encode("reading");
    expect(ed25519.verify(ed25519.sign(message, secret.slice(0, 32)), message, bs58.decode(key.publicKey))).toBe(true);
  });

  it("refuses a seed that is not 32 bytes, and draws a fresh one each time", () => {
    expect(() => deviceKeyFromSeed(new Uint8Array(31))).toThrow(RangeError);
    expect(generateDeviceKey().publicKey).not.toBe(generateDeviceKey().publicKey);
    expect(deviceKeyError(generateDeviceKey().publicKey)).toBeNull();
  });
});

describe("deviceKeyError", () => {
  it("explains a key that is not base58, not 32 bytes or not on the curve", () => {
    expect(deviceKeyError("0OIl")).toMatch(/base58/);
    expect(deviceKeyError(bs58.encode(new Uint8Array(31).fill(1)))).toMatch(/32 bytes; this one is 31/);
    // y = 2^255 - 19 + 2 ≥ p: no point of the curve encodes as these bytes.
    const offCurve = new Uint8Array(32).fill(0xff);
    offCurve[31] = 0x7f;
    expect(deviceKeyError(bs58.encode(offCurve))).toMatch(/not on the curve/);
  });
});

describe("checkMeterRequest", () => {
  it("turns a valid form into the gateway's body with watts as bigints", () => {
    expect(checkMeterRequest(FORM, ZONES)).toEqual({
      ok: true,
      name: "Roof panels",
      body: { kind: 1, zone_id: 3n, max_export_w: 7_500n, max_import_w: 10_000n, device_pubkey: null },
    });
    const key = generateDeviceKey().publicKey;
    const checked = checkMeterRequest({ ...FORM, deviceKey: ` ${key} ` }, ZONES);
    expect(checked.ok && checked.body.device_pubkey).toBe(key);
  });

  it("names every invalid field", () => {
    const checked = checkMeterRequest(
      { name: "", kind: "9", zone: "4", maxExportKw: "-1", maxImportKw: "10000.001", deviceKey: "xyz0" },
      ZONES,
    );
    expect(checked.ok).toBe(false);
    expect(Object.keys(checked.ok ? {} : checked.errors).sort()).toEqual(["deviceKey", "kind", "maxExport", "maxImport", "name", "zone"]);
  });

  it("takes the power limits exactly: 10 MW is the most, three decimals of kW the finest", () => {
    expect(parseKw("10000")).toBe(10_000_000n);
    expect(checkMeterRequest({ ...FORM, maxExportKw: "10000" }, ZONES).ok).toBe(true);
    expect(checkMeterRequest({ ...FORM, maxExportKw: "0.0001" }, ZONES).ok).toBe(false);
    expect(checkMeterRequest({ ...FORM, name: "x".repeat(41) }, ZONES).ok).toBe(false);
  });
});

describe("zonesOfTopology", () => {
  it("reads the zone features of the topology, sorted, ignoring everything else", () => {
    const collection = {
      type: "FeatureCollection",
      features: [
        { properties: { kind: "substation", substation: 0 } },
        { properties: { kind: "zone", zone: 2n } },
        { properties: { kind: "zone", zone: 0 } },
        { properties: { kind: "meter", zone: 9 } },
        { properties: { kind: "zone", zone: -1 } },
        null,
      ],
    };
    expect(zonesOfTopology(collection)).toEqual([0n, 2n]);
    expect(zonesOfTopology(null)).toEqual([]);
  });
});

describe("registrationStatusText", () => {
  it("says pending, then approved or rejected with the reason", () => {
    expect(registrationStatusText("pending_approval", null)).toContain("pending");
    expect(registrationStatusText("pending_approval", null)).not.toContain("approved");
    expect(registrationStatusText("approved", null)).toContain("approved");
    expect(registrationStatusText("rejected", "wrong zone")).toBe("rejected: wrong zone");
  });
});

import { describe, expect, it } from "vitest";

import { TRADING_IDL } from "../src/lib/programs";
import { accountFlags, decodeMessage, programTable, type LandedMessage } from "../src/lib/transaction";

const PLACE_ORDER = Uint8Array.from(
  "33c29baf6d82606a050000000000008001a08601000000000080841e0000000000ffffffffffffffff".match(/../g) ?? [],
  (pair) => Number.parseInt(pair, 16),
);

// owner (writable signer), matcher (read-only signer), order, vault (writable), program, mint (read-only)
const MESSAGE: LandedMessage = {
  staticAccountKeys: ["owner", "matcher", "order", "vault", "DeployedTrading", "mint"],
  loadedWritable: ["loadedW"],
  loadedReadonly: ["loadedR"],
  header: { numRequiredSignatures: 2, numReadonlySignedAccounts: 1, numReadonlyUnsignedAccounts: 2 },
  instructions: [
    { programIdIndex: 4, accountKeyIndexes: [5, 2, 0, 3, 6, 5, 7, 1], data: PLACE_ORDER },
    { programIdIndex: 7, accountKeyIndexes: [0], data: Uint8Array.of(1, 2) },
    { programIdIndex: 4, accountKeyIndexes: [], data: Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9) },
  ],
};

describe("accountFlags", () => {
  it("derives writable and signer from the header, loaded addresses last", () => {
    expect(accountFlags(MESSAGE).map(({ address, writable, signer }) => `${address}:${writable ? "w" : "r"}${signer ? "s" : ""}`)).toEqual([
      "owner:ws",
      "matcher:rs",
      "order:w",
      "vault:w",
      "DeployedTrading:r",
      "mint:r",
      "loadedW:w",
      "loadedR:r",
    ]);
  });
});

describe("decodeMessage", () => {
  const programs = programTable([{ idl: TRADING_IDL, deployedAt: "DeployedTrading" }]);

  it("decodes our program at its deployed address, leaves others raw and reports bad data", () => {
    const [placed, foreign, bad] = decodeMessage(MESSAGE, programs);
    expect(placed?.kind).toBe("decoded");
    if (placed?.kind === "decoded") {
      expect(placed.instruction.name).toBe("place_order");
      expect(placed.instruction.accounts.map((account) => `${account.name}=${account.address}`).slice(0, 5)).toEqual([
        "market=mint",
        "order=order",
        "owner=owner",
        "source=vault",
        "vault=loadedW",
      ]);
    }
    expect(foreign).toEqual({ kind: "foreign", index: 1, programId: "loadedR", accounts: ["owner"], dataHex: "0102" });
    expect(bad?.kind).toBe("undecodable");
    if (bad?.kind === "undecodable") expect(bad.error).toMatch(/0909090909090909 is no instruction/);
  });

  it("also knows a program by the IDL's own address", () => {
    expect(programTable([{ idl: TRADING_IDL }]).get(TRADING_IDL.address)).toBe(TRADING_IDL);
  });
});

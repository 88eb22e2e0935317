/**
 * A landed transaction's instructions, decoded with our programs' IDLs where the program is
 * ours (matched by the cluster's program addresses, then by the IDLs' own addresses). Pure: the
 * message's keys, header and compiled instructions in; per instruction either the decoded
 * instruction, or the program and raw data for a program we have no IDL for.
 */
import { decodeInstruction, IdlDecodeError, toHex, type DecodedInstruction, type Idl } from "./idl";

export interface MessageHeader {
  readonly numRequiredSignatures: number;
  readonly numReadonlySignedAccounts: number;
  readonly numReadonlyUnsignedAccounts: number;
}

export interface CompiledInstruction {
  readonly programIdIndex: number;
  readonly accountKeyIndexes: readonly number[];
  readonly data: Uint8Array;
}

export interface LandedMessage {
  readonly staticAccountKeys: readonly string[];
  /** v0 messages: addresses loaded from lookup tables (writable first, then read-only). */
  readonly loadedWritable: readonly string[];
  readonly loadedReadonly: readonly string[];
  readonly header: MessageHeader;
  readonly instructions: readonly CompiledInstruction[];
}

export type InstructionView =
  | { readonly kind: "decoded"; readonly index: number; readonly programId: string; readonly instruction: DecodedInstruction }
  | { readonly kind: "foreign"; readonly index: number; readonly programId: string; readonly accounts: readonly string[]; readonly dataHex: string }
  | { readonly kind: "undecodable"; readonly index: number; readonly programId: string; readonly program: string; readonly error: string; readonly dataHex: string };

/** The message's account keys in index order, each with its writable and signer flags. */
export function accountFlags(message: LandedMessage): { address: string; writable: boolean; signer: boolean }[] {
  const { numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts } = message.header;
  const staticCount = message.staticAccountKeys.length;
  const keys = message.staticAccountKeys.map((address, index) => {
    const signer = index < numRequiredSignatures;
    const writable = signer
      ? index < numRequiredSignatures - numReadonlySignedAccounts
      : index < staticCount - numReadonlyUnsignedAccounts;
    return { address, writable, signer };
  });
  return [
    ...keys,
    ...message.loadedWritable.map((address) => ({ address, writable: true, signer: false })),
    ...message.loadedReadonly.map((address) => ({ address, writable: false, signer: false })),
  ];
}

/** `programs`: program id → its IDL (the cluster's deployed addresses and the IDLs' own). */
export function decodeMessage(message: LandedMessage, programs: ReadonlyMap<string, Idl>): InstructionView[] {
  const keys = accountFlags(message);
  return message.instructions.map((compiled, index) => {
    const programId = keys[compiled.programIdIndex]?.address ?? `#${compiled.programIdIndex}`;
    const accounts = compiled.accountKeyIndexes.map(
      (keyIndex) => keys[keyIndex] ?? { address: `#${keyIndex}`, writable: false, signer: false },
    );
    const idl = programs.get(programId);
    if (!idl) {
      return { kind: "foreign", index, programId, accounts: accounts.map((account) => account.address), dataHex: toHex(compiled.data) };
    }
    try {
      return { kind: "decoded", index, programId, instruction: decodeInstruction(idl, compiled.data, accounts) };
    } catch (error) {
      if (!(error instanceof IdlDecodeError)) throw error;
      return { kind: "undecodable", index, programId, program: idl.metadata.name, error: error.message, dataHex: toHex(compiled.data) };
    }
  });
}

/** Program id → IDL: each IDL under its own address and under the cluster's deployed one. */
export function programTable(entries: readonly { readonly idl: Idl; readonly deployedAt?: string | null }[]): Map<string, Idl> {
  const table = new Map<string, Idl>();
  for (const { idl, deployedAt } of entries) {
    table.set(idl.address, idl);
    if (deployedAt) table.set(deployedAt, idl);
  }
  return table;
}

/**
 * Decoding our programs' instructions with their IDLs (Anchor-style JSON, `programs/<name>/idl.json`):
 * the first 8 bytes of the data name the instruction (its `discriminator`), the rest are its args
 * in Borsh order; the instruction's accounts are named by position. Pure: bytes in, names and
 * values out. Integers wider than 32 bits stay bigints; public keys are base58.
 */
import bs58 from "bs58";

export type IdlType =
  | "bool"
  | "u8"
  | "i8"
  | "u16"
  | "i16"
  | "u32"
  | "i32"
  | "u64"
  | "i64"
  | "u128"
  | "i128"
  | "pubkey"
  | "string"
  | "bytes"
  | { readonly array: readonly [IdlType, number] }
  | { readonly vec: IdlType }
  | { readonly option: IdlType }
  | { readonly defined: { readonly name: string } };

export interface IdlField {
  readonly name: string;
  readonly type: IdlType;
}

export interface IdlInstructionAccount {
  readonly name: string;
  readonly writable?: boolean;
  readonly signer?: boolean;
}

export interface IdlInstruction {
  readonly name: string;
  readonly discriminator: readonly number[];
  readonly accounts: readonly IdlInstructionAccount[];
  readonly args: readonly IdlField[];
}

export interface IdlTypeDef {
  readonly name: string;
  readonly type: { readonly kind: string; readonly fields?: readonly IdlField[] };
}

export interface Idl {
  readonly address: string;
  readonly metadata: { readonly name: string };
  readonly instructions: readonly IdlInstruction[];
  readonly types?: readonly IdlTypeDef[];
}

export type DecodedValue = boolean | number | bigint | string | null | readonly DecodedValue[] | { readonly [name: string]: DecodedValue };

export interface DecodedAccount {
  /** The IDL's name, or `remaining #n` past the instruction's declared accounts. */
  readonly name: string;
  readonly address: string;
  readonly writable: boolean;
  readonly signer: boolean;
}

export interface DecodedInstruction {
  readonly program: string;
  readonly name: string;
  readonly accounts: readonly DecodedAccount[];
  readonly args: Readonly<Record<string, DecodedValue>>;
}

export class IdlDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IdlDecodeError";
  }
}

class Reader {
  offset = 0;
  readonly #view: DataView;

  constructor(readonly data: Uint8Array) {
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  take(length: number, what: string): Uint8Array {
    if (this.offset + length > this.data.length) {
      throw new IdlDecodeError(`${what} needs ${length} bytes at offset ${this.offset}, the data has ${this.data.length}`);
    }
    const bytes = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  integer(size: 1 | 2 | 4 | 8 | 16, signed: boolean, what: string): number | bigint {
    const start = this.offset;
    this.take(size, what);
    switch (size) {
      case 1:
        return signed ? this.#view.getInt8(start) : this.#view.getUint8(start);
      case 2:
        return signed ? this.#view.getInt16(start, true) : this.#view.getUint16(start, true);
      case 4:
        return signed ? this.#view.getInt32(start, true) : this.#view.getUint32(start, true);
      case 8:
        return signed ? this.#view.getBigInt64(start, true) : this.#view.getBigUint64(start, true);
      case 16: {
        const low = this.#view.getBigUint64(start, true);
        const high = signed ? this.#view.getBigInt64(start + 8, true) : this.#view.getBigUint64(start + 8, true);
        return (high << 64n) + low;
      }
    }
  }

  length(what: string): number {
    return this.integer(4, false, `${what} length`) as number;
  }
}

function decodeValue(type: IdlType, reader: Reader, idl: Idl, what: string): DecodedValue {
  if (typeof type === "string") {
    switch (type) {
      case "bool":
        return reader.take(1, what)[0] !== 0;
      case "u8":
        return reader.integer(1, false, what);
      case "i8":
        return reader.integer(1, true, what);
      case "u16":
        return reader.integer(2, false, what);
      case "i16":
        return reader.integer(2, true, what);
      case "u32":
        return reader.integer(4, false, what);
      case "i32":
        return reader.integer(4, true, what);
      case "u64":
        return reader.integer(8, false, what);
      case "i64":
        return reader.integer(8, true, what);
      case "u128":
        return reader.integer(16, false, what);
      case "i128":
        return reader.integer(16, true, what);
      case "pubkey":
        return bs58.encode(reader.take(32, what));
      case "string":
        return new TextDecoder().decode(reader.take(reader.length(what), what));
      case "bytes":
        return toHex(reader.take(reader.length(what), what));
    }
  }
  if ("array" in type) {
    const [item, count] = type.array;
    // Byte arrays (ids, hashes) read best as hex.
    if (item === "u8") return toHex(reader.take(count, what));
    return Array.from({ length: count }, (_, index) => decodeValue(item, reader, idl, `${what}[${index}]`));
  }
  if ("vec" in type) {
    const count = reader.length(what);
    return Array.from({ length: count }, (_, index) => decodeValue(type.vec, reader, idl, `${what}[${index}]`));
  }
  if ("option" in type) {
    return reader.take(1, `${what} tag`)[0] === 0 ? null : decodeValue(type.option, reader, idl, what);
  }
  const definition = idl.types?.find((candidate) => candidate.name === type.defined.name);
  if (!definition || definition.type.kind !== "struct" || !definition.type.fields) {
    throw new IdlDecodeError(`${what}: type ${type.defined.name} is not a struct of the ${idl.metadata.name} IDL`);
  }
  const fields: Record<string, DecodedValue> = {};
  for (const field of definition.type.fields) fields[field.name] = decodeValue(field.type, reader, idl, `${what}.${field.name}`);
  return fields;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function sameBytes(left: Uint8Array, right: readonly number[]): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/**
 * Args a program still accepts without, from instructions sent before the arg existed: when the
 * data ends right where such an arg would start, it reads as the value the program assumes.
 * Trading's `place_order` took no `time_in_force` before it existed (33 bytes of args: GTC).
 */
const OMITTABLE_TRAILING_ARGS: Readonly<Record<string, Readonly<Record<string, DecodedValue>>>> = {
  "trading.place_order": { time_in_force: 0 },
};

/**
 * One instruction of `idl`'s program: `data` its bytes, `accounts` its account keys in order
 * with the message's writable and signer flags. Throws `IdlDecodeError` for an unknown
 * discriminator or data that does not fit the args (too short, or bytes left over).
 */
export function decodeInstruction(
  idl: Idl,
  data: Uint8Array,
  accounts: readonly { readonly address: string; readonly writable: boolean; readonly signer: boolean }[],
): DecodedInstruction {
  if (data.length < 8) throw new IdlDecodeError(`${data.length} bytes of data: too short for an instruction discriminator`);
  const discriminator = data.subarray(0, 8);
  const instruction = idl.instructions.find((candidate) => sameBytes(discriminator, candidate.discriminator));
  if (!instruction) {
    throw new IdlDecodeError(`discriminator ${toHex(discriminator)} is no instruction of the ${idl.metadata.name} IDL`);
  }
  const reader = new Reader(data.subarray(8));
  const args: Record<string, DecodedValue> = {};
  const omittable = OMITTABLE_TRAILING_ARGS[`${idl.metadata.name}.${instruction.name}`] ?? {};
  for (const arg of instruction.args) {
    const fallback = omittable[arg.name];
    args[arg.name] =
      fallback !== undefined && reader.offset === reader.data.length ? fallback : decodeValue(arg.type, reader, idl, arg.name);
  }
  if (reader.offset !== reader.data.length) {
    throw new IdlDecodeError(`${instruction.name}: ${reader.data.length - reader.offset} bytes left after its args`);
  }
  return {
    program: idl.metadata.name,
    name: instruction.name,
    accounts: accounts.map((account, index) => ({
      ...account,
      name: instruction.accounts[index]?.name ?? `remaining #${index - instruction.accounts.length}`,
    })),
    args,
  };
}

/** A decoded value as text: bigints in full, structs and lists as JSON-like text. */
export function formatValue(value: DecodedValue): string {
  if (typeof value === "bigint") return value.toString();
  if (value === null) return "null";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return `{ ${Object.entries(value as Record<string, DecodedValue>)
    .map(([name, item]) => `${name}: ${formatValue(item)}`)
    .join(", ")} }`;
}

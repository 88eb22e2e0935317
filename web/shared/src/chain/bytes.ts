/** Little-endian readers over account data (Borsh-style integers). */

export function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength);
}

export function requireLength(data: Uint8Array, length: number, what: string): void {
  if (data.length < length) {
    throw new RangeError(`${what} needs ${length} bytes, got ${data.length}`);
  }
}

export function readU64(data: Uint8Array, offset: number): bigint {
  return view(data).getBigUint64(offset, true);
}

export function readI64(data: Uint8Array, offset: number): bigint {
  return view(data).getBigInt64(offset, true);
}

export function readI32(data: Uint8Array, offset: number): number {
  return view(data).getInt32(offset, true);
}

export function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

export function toHex(data: Uint8Array): string {
  return Array.from(data, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/^0x/, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new SyntaxError(`"${text}" is not hex`);
  }
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

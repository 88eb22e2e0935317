import { sha256 } from "@noble/hashes/sha2.js";

/** Anchor's account discriminator: the first 8 bytes of `sha256("account:<Name>")`. */
export function accountDiscriminator(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(`account:${name}`)).slice(0, 8);
}

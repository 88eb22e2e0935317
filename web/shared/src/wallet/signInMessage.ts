/**
 * The Sign-In With Solana text a `solana:signIn` wallet signs, built from its input exactly as
 * the gateway's `format_message` (src/gridtokenx/gateway/siws.py) expects it.
 */
import type { SolanaSignInInput } from "@solana/wallet-standard-features";

const ADVANCED: readonly (readonly [keyof SolanaSignInInput, string])[] = [
  ["uri", "URI: "],
  ["version", "Version: "],
  ["chainId", "Chain ID: "],
  ["nonce", "Nonce: "],
  ["issuedAt", "Issued At: "],
  ["expirationTime", "Expiration Time: "],
  ["notBefore", "Not Before: "],
  ["requestId", "Request ID: "],
];

export function signInMessageText(input: SolanaSignInInput, address: string, domain: string): string {
  let text = `${input.domain ?? domain} wants you to sign in with your Solana account:\n${address}`;
  if (input.statement) {
    text += `\n\n${input.statement}`;
  }
  const lines: string[] = [];
  for (const [field, prefix] of ADVANCED) {
    const value = input[field];
    if (typeof value === "string" && value) {
      lines.push(`${prefix}${value}`);
    }
  }
  if (input.resources && input.resources.length > 0) {
    lines.push("Resources:", ...input.resources.map((resource) => `- ${resource}`));
  }
  if (lines.length > 0) {
    text += `\n\n${lines.join("\n")}`;
  }
  return text;
}

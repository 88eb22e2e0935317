import { GatewayError } from "@gridtokenx/shared/api/gateway";
import { formatGxt, formatSol, formatUsdc } from "@gridtokenx/shared/format/units";

const FORMATTERS: Readonly<Record<string, (amount: bigint) => string>> = { gxt: formatGxt, usdc: formatUsdc, sol: formatSol };

function baseUnits(value: unknown): bigint | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : null;
}

/**
 * What went wrong, for people: the gateway's typed errors with their amounts formatted, the
 * session ones with what to do; anything else as its own message.
 */
export function errorText(error: Error): string {
  if (!(error instanceof GatewayError)) return error.message;
  switch (error.code) {
    case "insufficient_balance": {
      const format = FORMATTERS[String(error.details.asset)];
      const needed = baseUnits(error.details.needed);
      const held = baseUnits(error.details.held);
      if (format && needed !== null && held !== null) {
        return `Insufficient balance: this order needs ${format(needed)} and your wallet holds ${format(held)}.`;
      }
      return `Insufficient balance: ${error.message}.`;
    }
    case "unauthenticated":
    case "token_expired":
    case "token_invalid":
    case "session_revoked":
      return `Your session has ended (${error.message}); sign in with your wallet again.`;
    default:
      return error.message;
  }
}

import { GatewayError } from "@gridtokenx/shared/api/gateway";

/** What went wrong, for an operator: the gateway's code and message, the session ones with
 * what to do; a missing route says so. */
export function errorText(error: Error): string {
  if (!(error instanceof GatewayError)) return error.message;
  switch (error.code) {
    case "unauthenticated":
    case "token_expired":
    case "token_invalid":
    case "session_revoked":
      return `Your session has ended (${error.message}); sign in with the operator's wallet again.`;
    case "forbidden_role":
      return `Only operators may do this: ${error.message}`;
    default:
      return error.status === 404 && error.code === "not_found"
        ? "The gateway has no route for this (404): it is not available in this version."
        : `${error.message} (${error.code})`;
  }
}

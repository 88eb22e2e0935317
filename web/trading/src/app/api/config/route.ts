import { configResponse } from "@gridtokenx/shared/config/server";

export const dynamic = "force-dynamic";

export function GET(): Promise<Response> {
  return configResponse();
}

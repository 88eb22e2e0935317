"use client";
import { gatewayGet, gatewaySend, gatewayText, type WithBigints } from "@gridtokenx/shared/api/gateway";
import { useGatewaySession } from "@gridtokenx/shared/components/Session/GatewaySessionContext";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { useMemo } from "react";

export interface OperatorApi {
  /** Whose token it carries: part of every query key, so another session refetches. */
  readonly address: string;
  readonly get: <T>(path: string) => Promise<WithBigints<T>>;
  readonly send: <T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown) => Promise<T | null>;
  readonly text: (path: string) => Promise<string>;
}

/** The gateway's operator routes with the signed-in operator's access token. */
export function useOperatorApi(): OperatorApi | null {
  const { gatewayUrl } = useRuntimeConfig();
  const { session } = useGatewaySession();
  return useMemo(() => {
    if (!session || session.role !== "operator") return null;
    const accessToken = session.accessToken;
    return {
      address: session.address,
      get: <T,>(path: string) => gatewayGet<T>({ baseUrl: gatewayUrl, path, accessToken }),
      send: <T,>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown) =>
        gatewaySend<T>(method, { baseUrl: gatewayUrl, path, body, accessToken }),
      text: (path: string) => gatewayText({ baseUrl: gatewayUrl, path, accessToken }),
    };
  }, [gatewayUrl, session]);
}

export { queryString } from "../lib/query";

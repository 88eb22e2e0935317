/**
 * A typed client for the gateway's JSON routes (types from `schema.ts`, generated from its
 * OpenAPI document). Integers go out as JSON numbers written from bigints, so base units never
 * pass through a float; error bodies `{code, message, details}` become `GatewayError`.
 */
import type { components } from "./schema";

export type Schemas = components["schemas"];

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/** JSON text of plain data (objects, arrays, strings, numbers, booleans, null) in which bigints
 * are written as integer literals; `undefined` members are left out as JSON.stringify does. */
export function jsonWithBigints(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : jsonWithBigints(item))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).filter(([, item]) => item !== undefined);
    return `{${members.map(([key, item]) => `${JSON.stringify(key)}:${jsonWithBigints(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export interface GatewayRequest {
  readonly baseUrl: string;
  readonly path: string;
  readonly body?: unknown;
  readonly accessToken?: string | null;
}

export async function gatewayPost<T>({ baseUrl, path, body, accessToken }: GatewayRequest): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      credentials: "include",
      headers: {
        "Content-Type": "application/json",
        ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined ? undefined : jsonWithBigints(body),
    });
  } catch (error) {
    throw new GatewayError(0, "gateway_unreachable", `The gateway at ${baseUrl} did not answer (${(error as Error).message}).`, {});
  }
  const text = await response.text();
  if (!response.ok) {
    let parsed: Partial<Schemas["ErrorBody"]> = {};
    try {
      parsed = JSON.parse(text) as Partial<Schemas["ErrorBody"]>;
    } catch {
      // not a JSON error body: described by the status below
    }
    throw new GatewayError(
      response.status,
      parsed.code ?? `http_${String(response.status)}`,
      parsed.message ?? `The gateway answered ${String(response.status)}.`,
      parsed.details ?? {},
    );
  }
  return JSON.parse(text) as T;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
}

/**
 * A typed client for the gateway's JSON routes (types from `schema.ts`, generated from its
 * OpenAPI document). Integers go out as JSON numbers written from bigints, so base units never
 * pass through a float; error bodies `{code, message, details}` become `GatewayError`.
 */
import { parseJsonWithBigints } from "../market/json";
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

/** Integers as bigint, recursively: what `gatewayGet` answers for a schema type. */
export type WithBigints<T> = T extends number
  ? bigint
  : T extends readonly (infer Item)[]
    ? WithBigints<Item>[]
    : T extends object
      ? { [Key in keyof T]: WithBigints<T[Key]> }
      : T;

async function gatewayRequest(method: "GET" | "POST" | "PUT" | "DELETE", request: GatewayRequest): Promise<string> {
  return (await gatewayResponse(method, request)).text();
}

/** The gateway's answer when it is a success; its error body as a `GatewayError` otherwise. */
async function gatewayResponse(method: "GET" | "POST" | "PUT" | "DELETE", { baseUrl, path, body, accessToken }: GatewayRequest): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      credentials: "include",
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
      },
      body: body === undefined ? undefined : jsonWithBigints(body),
    });
  } catch (error) {
    throw new GatewayError(0, "gateway_unreachable", `The gateway at ${baseUrl} did not answer (${(error as Error).message}).`, {});
  }
  if (!response.ok) {
    const text = await response.text();
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
  return response;
}

export async function gatewayPost<T>(request: GatewayRequest): Promise<T> {
  return JSON.parse(await gatewayRequest("POST", request)) as T;
}

/** A PUT or DELETE (operator changes); an empty answer (204) is `null`. */
export async function gatewaySend<T>(method: "PUT" | "DELETE" | "POST", request: GatewayRequest): Promise<T | null> {
  const text = await gatewayRequest(method, request);
  return text === "" ? null : (JSON.parse(text) as T);
}

/** A GET of a text document (the operator routes' CSV exports). */
export function gatewayText(request: Omit<GatewayRequest, "body">): Promise<string> {
  return gatewayRequest("GET", request);
}

/** A GET of a file (a statement's CSV or PDF) with its `Content-Disposition` header: fetched
 * with the access token in the Authorization header, never in the URL. */
export async function gatewayBlob(request: Omit<GatewayRequest, "body">): Promise<{ readonly blob: Blob; readonly disposition: string | null }> {
  const response = await gatewayResponse("GET", request);
  return { blob: await response.blob(), disposition: response.headers.get("Content-Disposition") };
}

/** A GET whose JSON integers (base units, ids, times) come back as exact bigints. */
export async function gatewayGet<T>(request: Omit<GatewayRequest, "body">): Promise<WithBigints<T>> {
  return parseJsonWithBigints(await gatewayRequest("GET", request)) as WithBigints<T>;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
}

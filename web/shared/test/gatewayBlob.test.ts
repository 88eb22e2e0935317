import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GatewayError, gatewayBlob } from "../src/api/gateway";

// A small HTTP server standing in for the statement routes: it answers a PDF only to the bearer
// token in the Authorization header, and the gateway's JSON error body otherwise.
let server: Server;
let baseUrl: string;
const PDF = Buffer.from("%PDF-1.4\n\u00ff\u0000binary");

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.headers.authorization === "Bearer token-1" && request.url === "/v1/me/statements/2026-11.pdf") {
      response.writeHead(200, { "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="gridtokenx-statement-2026-11.pdf"' });
      response.end(PDF);
      return;
    }
    response.writeHead(404, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ code: "statement_not_found", message: "no such statement", details: { month: "2026-11" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("gatewayBlob", () => {
  it("fetches a file with the token in the Authorization header, bytes intact", async () => {
    const { blob, disposition } = await gatewayBlob({ baseUrl, path: "/v1/me/statements/2026-11.pdf", accessToken: "token-1" });
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(PDF);
    expect(disposition).toBe('attachment; filename="gridtokenx-statement-2026-11.pdf"');
  });

  it("turns an error body into a GatewayError with its code", async () => {
    const failed = gatewayBlob({ baseUrl, path: "/v1/me/statements/2026-11.pdf", accessToken: "other" });
    await expect(failed).rejects.toBeInstanceOf(GatewayError);
    await expect(failed).rejects.toMatchObject({ status: 404, code: "statement_not_found", details: { month: "2026-11" } });
  });
});

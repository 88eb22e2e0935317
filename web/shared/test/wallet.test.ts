import { describe, expect, it } from "vitest";

import { parseClusterChoice, resolveCluster } from "../src/config/cluster";
import { signInMessageText } from "../src/wallet/signInMessage";

const ADDRESS = "11111111111111111111111111111111";

describe("signInMessageText (the text gateway/siws.py format_message builds)", () => {
  it("matches the gateway for a full input", () => {
    const text = signInMessageText(
      {
        domain: "127.0.0.1:3000",
        statement: "Sign in to GridTokenX",
        uri: "http://127.0.0.1:3000",
        version: "1",
        chainId: "localnet",
        nonce: "abcdEFGH1234",
        issuedAt: "2026-11-23T17:00:00Z",
        expirationTime: "2026-11-23T17:10:00Z",
        resources: ["https://a", "https://b"],
      },
      ADDRESS,
      "ignored",
    );
    expect(text).toBe(
      "127.0.0.1:3000 wants you to sign in with your Solana account:\n11111111111111111111111111111111\n\nSign in to GridTokenX\n\nURI: http://127.0.0.1:3000\nVersion: 1\nChain ID: localnet\nNonce: abcdEFGH1234\nIssued At: 2026-11-23T17:00:00Z\nExpiration Time: 2026-11-23T17:10:00Z\nResources:\n- https://a\n- https://b",
    );
  });

  it("matches the gateway for minimal inputs, using the page's host when no domain is given", () => {
    expect(signInMessageText({}, ADDRESS, "d")).toBe(`d wants you to sign in with your Solana account:\n${ADDRESS}`);
    expect(signInMessageText({ domain: "d", nonce: "abcdefgh" }, ADDRESS, "x")).toBe(
      `d wants you to sign in with your Solana account:\n${ADDRESS}\n\nNonce: abcdefgh`,
    );
  });
});

describe("cluster choice", () => {
  const platform = { rpcUrl: "http://127.0.0.1:8899", wsUrl: "ws://127.0.0.1:8900" };

  it("defaults to the local node, also for corrupt or unsafe entries", () => {
    for (const stored of [null, "", "{", '{"kind":"mainnet"}', '{"kind":"custom","customRpcUrl":"javascript:alert(1)"}']) {
      expect(parseClusterChoice(stored)).toEqual({ kind: "local" });
    }
    expect(resolveCluster({ kind: "local" }, platform)).toEqual({ kind: "local", label: "local node", ...platform });
  });

  it("keeps devnet and custom URLs", () => {
    expect(resolveCluster(parseClusterChoice('{"kind":"devnet"}'), platform).rpcUrl).toBe("https://api.devnet.solana.com");
    const custom = resolveCluster(parseClusterChoice('{"kind":"custom","customRpcUrl":"https://rpc.example:8899"}'), platform);
    expect(custom).toEqual({ kind: "custom", label: "https://rpc.example:8899", rpcUrl: "https://rpc.example:8899", wsUrl: undefined });
  });
});

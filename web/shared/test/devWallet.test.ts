import { ed25519 } from "@noble/curves/ed25519.js";
import { Keypair, PublicKey, SystemProgram, Transaction, VersionedTransaction } from "@solana/web3.js";
import type { WalletAccount } from "@wallet-standard/base";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";

import { DEV_WALLET_STORAGE_KEY, DevWallet, LOCALNET_CHAIN, loadOrCreateDevKeypair } from "../src/wallet/devWallet";

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

async function connected(storage = new MemoryStorage()) {
  const wallet = new DevWallet(storage, "http://127.0.0.1:1");
  const { accounts } = await wallet.features["standard:connect"].connect();
  return { wallet, storage, account: accounts[0] as WalletAccount };
}

describe("the development wallet", () => {
  it("announces the Wallet Standard features the adapter needs, for the local node only", () => {
    const wallet = new DevWallet(new MemoryStorage(), "http://127.0.0.1:1");
    expect(wallet.chains).toEqual([LOCALNET_CHAIN]);
    expect(Object.keys(wallet.features).sort()).toEqual([
      "solana:signAndSendTransaction",
      "solana:signIn",
      "solana:signMessage",
      "solana:signTransaction",
      "standard:connect",
      "standard:disconnect",
      "standard:events",
    ]);
    expect(wallet.name).toMatch(/Dev Wallet \(local node only\)/);
    expect(wallet.accounts).toEqual([]);
  });

  it("keeps its key in storage and gets the same account back", async () => {
    const { storage, account } = await connected();
    const again = await connected(storage);
    expect(again.account.address).toBe(account.address);
    expect(Keypair.fromSecretKey(bs58.decode(storage.getItem(DEV_WALLET_STORAGE_KEY) ?? "")).publicKey.toBase58()).toBe(
      account.address,
    );
  });

  it("replaces an unreadable stored key", () => {
    const storage = new MemoryStorage();
    storage.setItem(DEV_WALLET_STORAGE_KEY, "not a key");
    const keypair = loadOrCreateDevKeypair(storage);
    expect(storage.getItem(DEV_WALLET_STORAGE_KEY)).toBe(bs58.encode(keypair.secretKey));
  });

  it("tells listeners about connect and disconnect, and stops when they unsubscribe", async () => {
    const wallet = new DevWallet(new MemoryStorage(), "http://127.0.0.1:1");
    const seen: number[] = [];
    const off = wallet.features["standard:events"].on("change", ({ accounts }) => seen.push(accounts?.length ?? -1));
    await wallet.features["standard:connect"].connect();
    await wallet.features["standard:disconnect"].disconnect();
    off();
    await wallet.features["standard:connect"].connect();
    expect(seen).toEqual([1, 0]);
  });

  it("signs messages with the account's key", async () => {
    const { wallet, account } = await connected();
    const message = new TextEncoder().encode("hello");
    const [output] = await wallet.features["solana:signMessage"].signMessage({ account, message });
    expect(output?.signedMessage).toEqual(message);
    expect(ed25519.verify(output?.signature ?? new Uint8Array(), message, account.publicKey as Uint8Array)).toBe(true);
  });

  it("signs in with the Sign-In With Solana text of its input", async () => {
    const { wallet, account } = await connected();
    const [output] = await wallet.features["solana:signIn"].signIn({ domain: "127.0.0.1:3000", nonce: "abcdefgh" });
    const text = new TextDecoder().decode(output?.signedMessage);
    expect(text).toBe(`127.0.0.1:3000 wants you to sign in with your Solana account:\n${account.address}\n\nNonce: abcdefgh`);
    expect(ed25519.verify(output?.signature ?? new Uint8Array(), output?.signedMessage ?? new Uint8Array(), account.publicKey as Uint8Array)).toBe(true);
  });

  it("signs legacy transactions it is a signer of, and refuses other accounts", async () => {
    const { wallet, account } = await connected();
    const payer = new PublicKey(account.address);
    const transaction = new Transaction({ feePayer: payer, recentBlockhash: PublicKey.default.toBase58() }).add(
      SystemProgram.transfer({ fromPubkey: payer, toPubkey: Keypair.generate().publicKey, lamports: 1 }),
    );
    const bytes = transaction.serialize({ requireAllSignatures: false, verifySignatures: false });
    const [output] = await wallet.features["solana:signTransaction"].signTransaction({ account, transaction: bytes });
    const signed = VersionedTransaction.deserialize(output?.signedTransaction ?? new Uint8Array());
    const message = signed.message.serialize();
    expect(ed25519.verify(signed.signatures[0] ?? new Uint8Array(), message, payer.toBytes())).toBe(true);
    const stranger = { ...account, address: Keypair.generate().publicKey.toBase58() };
    await expect(wallet.features["solana:signTransaction"].signTransaction({ account: stranger, transaction: bytes })).rejects.toThrow(
      /not connected with this account/,
    );
  });
});

/**
 * The local development wallet: a keypair held in this browser's localStorage, announced through
 * the Wallet Standard like Phantom or Solflare, so every flow works without an extension.
 * For the local node only (the UI offers it only there); never for real funds.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import {
  SolanaSignAndSendTransaction,
  SolanaSignIn,
  SolanaSignMessage,
  SolanaSignTransaction,
  type SolanaSignAndSendTransactionFeature,
  type SolanaSignAndSendTransactionInput,
  type SolanaSignInFeature,
  type SolanaSignInInput,
  type SolanaSignMessageFeature,
  type SolanaSignMessageInput,
  type SolanaSignTransactionFeature,
  type SolanaSignTransactionInput,
} from "@solana/wallet-standard-features";
import { Connection, Keypair, VersionedTransaction } from "@solana/web3.js";
import type { Wallet, WalletAccount } from "@wallet-standard/base";
import {
  StandardConnect,
  StandardDisconnect,
  StandardEvents,
  type StandardConnectFeature,
  type StandardDisconnectFeature,
  type StandardEventsFeature,
  type StandardEventsListeners,
  type StandardEventsNames,
} from "@wallet-standard/features";
import { ReadonlyWalletAccount, registerWallet } from "@wallet-standard/wallet";
import bs58 from "bs58";

import { signInMessageText } from "./signInMessage";

export const DEV_WALLET_NAME = "GridTokenX Dev Wallet (local node only)";
export const DEV_WALLET_STORAGE_KEY = "gridtokenx.devWallet.secretKey";
export const LOCALNET_CHAIN = "solana:localnet";

const ICON =
  "data:image/svg+xml;base64," +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#f59e0b"/>' +
      '<text x="16" y="22" font-size="14" text-anchor="middle" font-family="monospace" fill="#000">DEV</text></svg>',
  );

type DevWalletFeatures = StandardConnectFeature &
  StandardDisconnectFeature &
  StandardEventsFeature &
  SolanaSignTransactionFeature &
  SolanaSignAndSendTransactionFeature &
  SolanaSignMessageFeature &
  SolanaSignInFeature;

/** The stored keypair, created on first use. */
export function loadOrCreateDevKeypair(storage: Storage): Keypair {
  const stored = storage.getItem(DEV_WALLET_STORAGE_KEY);
  if (stored) {
    try {
      return Keypair.fromSecretKey(bs58.decode(stored));
    } catch {
      // An unreadable entry is replaced below.
    }
  }
  const keypair = Keypair.generate();
  storage.setItem(DEV_WALLET_STORAGE_KEY, bs58.encode(keypair.secretKey));
  return keypair;
}

export class DevWallet implements Wallet {
  readonly version = "1.0.0" as const;
  readonly name = DEV_WALLET_NAME;
  readonly icon = ICON as `data:image/svg+xml;base64,${string}`;
  readonly chains = [LOCALNET_CHAIN] as const;
  #changeListeners: StandardEventsListeners["change"][] = [];
  readonly #storage: Storage;
  readonly #rpcUrl: string;
  #keypair: Keypair | null = null;
  #account: ReadonlyWalletAccount | null = null;

  constructor(storage: Storage, rpcUrl: string) {
    this.#storage = storage;
    this.#rpcUrl = rpcUrl;
  }

  get accounts(): readonly WalletAccount[] {
    return this.#account ? [this.#account] : [];
  }

  get features(): DevWalletFeatures {
    const transactionVersions = ["legacy", 0] as const;
    return {
      [StandardConnect]: { version: "1.0.0", connect: this.#connect },
      [StandardDisconnect]: { version: "1.0.0", disconnect: this.#disconnect },
      [StandardEvents]: { version: "1.0.0", on: this.#on },
      [SolanaSignTransaction]: {
        version: "1.0.0",
        supportedTransactionVersions: transactionVersions,
        signTransaction: this.#signTransaction,
      },
      [SolanaSignAndSendTransaction]: {
        version: "1.0.0",
        supportedTransactionVersions: transactionVersions,
        signAndSendTransaction: this.#signAndSendTransaction,
      },
      [SolanaSignMessage]: { version: "1.0.0", signMessage: this.#signMessage },
      [SolanaSignIn]: { version: "1.0.0", signIn: this.#signIn },
    };
  }

  #on: StandardEventsFeature[typeof StandardEvents]["on"] = (event: StandardEventsNames, listener) => {
    // "change" is the Standard's only event.
    this.#changeListeners.push(listener);
    return () => {
      this.#changeListeners = this.#changeListeners.filter((existing) => existing !== listener);
    };
  };

  #emitChange(): void {
    for (const listener of this.#changeListeners) {
      listener({ accounts: this.accounts });
    }
  }

  #connect: StandardConnectFeature[typeof StandardConnect]["connect"] = async () => {
    if (!this.#keypair) {
      this.#keypair = loadOrCreateDevKeypair(this.#storage);
      const publicKey = this.#keypair.publicKey.toBytes();
      this.#account = new ReadonlyWalletAccount({
        address: this.#keypair.publicKey.toBase58(),
        publicKey,
        chains: this.chains,
        features: [SolanaSignTransaction, SolanaSignAndSendTransaction, SolanaSignMessage, SolanaSignIn],
        label: "development key (this browser)",
      });
      this.#emitChange();
    }
    return { accounts: this.accounts };
  };

  #disconnect: StandardDisconnectFeature[typeof StandardDisconnect]["disconnect"] = async () => {
    this.#keypair = null;
    this.#account = null;
    this.#emitChange();
  };

  #signer(account: WalletAccount): Keypair {
    if (!this.#keypair || account.address !== this.#keypair.publicKey.toBase58()) {
      throw new Error("the development wallet is not connected with this account");
    }
    return this.#keypair;
  }

  #sign(input: SolanaSignTransactionInput): Uint8Array {
    const transaction = VersionedTransaction.deserialize(input.transaction);
    transaction.sign([this.#signer(input.account)]);
    return transaction.serialize();
  }

  #signTransaction: SolanaSignTransactionFeature[typeof SolanaSignTransaction]["signTransaction"] = async (
    ...inputs
  ) => inputs.map((input) => ({ signedTransaction: this.#sign(input) }));

  #signAndSendTransaction: SolanaSignAndSendTransactionFeature[typeof SolanaSignAndSendTransaction]["signAndSendTransaction"] =
    async (...inputs: readonly SolanaSignAndSendTransactionInput[]) => {
      const connection = new Connection(this.#rpcUrl, input0Commitment(inputs));
      const outputs = [];
      for (const input of inputs) {
        const signature = await connection.sendRawTransaction(this.#sign(input), {
          skipPreflight: input.options?.skipPreflight ?? false,
          maxRetries: input.options?.maxRetries,
        });
        outputs.push({ signature: bs58.decode(signature) });
      }
      return outputs;
    };

  #signMessage: SolanaSignMessageFeature[typeof SolanaSignMessage]["signMessage"] = async (
    ...inputs: readonly SolanaSignMessageInput[]
  ) =>
    inputs.map((input) => ({
      signedMessage: input.message,
      signature: ed25519.sign(input.message, this.#signer(input.account).secretKey.slice(0, 32)),
      signatureType: "ed25519" as const,
    }));

  #signIn: SolanaSignInFeature[typeof SolanaSignIn]["signIn"] = async (...inputs: readonly SolanaSignInInput[]) => {
    await this.#connect();
    const account = this.#account;
    const keypair = this.#keypair;
    if (!account || !keypair) {
      throw new Error("the development wallet could not create its key");
    }
    return inputs.map((input) => {
      const text = signInMessageText(input, account.address, globalThis.location?.host ?? "");
      const signedMessage = new TextEncoder().encode(text);
      return {
        account,
        signedMessage,
        signature: ed25519.sign(signedMessage, keypair.secretKey.slice(0, 32)),
        signatureType: "ed25519" as const,
      };
    });
  };
}

function input0Commitment(inputs: readonly SolanaSignAndSendTransactionInput[]) {
  return inputs[0]?.options?.commitment ?? "confirmed";
}

let registered = false;

/** Announce the development wallet once per page (the Wallet Standard has no unregister). */
export function registerDevWallet(rpcUrl: string): void {
  if (registered || typeof window === "undefined") return;
  registered = true;
  registerWallet(new DevWallet(window.localStorage, rpcUrl));
}

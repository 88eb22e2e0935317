// Airdrop, mint, token accounts, mint_to and transfer_checked with unmodified web3.js/spl-token.
// Usage: node token_flow.js <rpc-url> <ws-url>; prints one JSON line of what it observed.
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
} from "@solana/web3.js";
import {
  createMint,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  transferChecked,
  getAccount,
} from "@solana/spl-token";

const [rpcUrl, wsUrl] = process.argv.slice(2);
const connection = new Connection(rpcUrl, { commitment: "confirmed", wsEndpoint: wsUrl });

const payer = Keypair.generate();
const recipient = Keypair.generate();
const airdrop = await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
const latest = await connection.getLatestBlockhash();
await connection.confirmTransaction({ signature: airdrop, ...latest });

const decimals = 6;
const mint = await createMint(connection, payer, payer.publicKey, null, decimals);
const source = await getOrCreateAssociatedTokenAccount(connection, payer, mint, payer.publicKey);
const dest = await getOrCreateAssociatedTokenAccount(connection, payer, mint, recipient.publicKey);
await mintTo(connection, payer, mint, source.address, payer, 1_000_000n);

let notified = null;
const subscription = connection.onAccountChange(dest.address, (info) => {
  notified = info.data.length;
});
// web3.js sends accountSubscribe in the background and offers no "subscribed" signal.
await new Promise((resolve) => setTimeout(resolve, 500));
const transfer = await transferChecked(
  connection, payer, source.address, mint, dest.address, payer, 250_000n, decimals,
);
const fetched = await connection.getTransaction(transfer, {
  commitment: "confirmed",
  maxSupportedTransactionVersion: 0,
});
for (let i = 0; i < 100 && notified === null; i++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await connection.removeAccountChangeListener(subscription);
const parsed = await connection.getParsedAccountInfo(dest.address);

console.log(JSON.stringify({
  balance: await connection.getBalance(payer.publicKey) > 0,
  destAmount: (await getAccount(connection, dest.address)).amount.toString(),
  sourceAmount: (await getAccount(connection, source.address)).amount.toString(),
  transactionErr: fetched === null ? "missing" : fetched.meta.err,
  postTokenBalances: fetched?.meta?.postTokenBalances?.length ?? 0,
  parsedOwner: parsed.value?.data?.parsed?.info?.owner ?? null,
  recipient: recipient.publicKey.toBase58(),
  accountNotificationBytes: notified,
}));
process.exit(0);

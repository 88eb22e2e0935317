/** A transaction signature, shortened for the eye, whole for copying and for tests. */
export function Signature({ signature }: { readonly signature: string | null }) {
  if (!signature) return <span className="text-slate-400">—</span>;
  return (
    <span title={signature} data-testid="signature" data-signature={signature} className="font-mono">
      {signature.slice(0, 8)}…{signature.slice(-8)}
    </span>
  );
}

/** What a panel shows while its data source does not exist yet: never a made-up number. */
export function EmptyState({ title, detail }: { readonly title: string; readonly detail: string }) {
  return (
    <div className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500 dark:border-slate-600 dark:text-slate-400">
      <p className="font-medium text-slate-700 dark:text-slate-200">{title}</p>
      <p>{detail}</p>
    </div>
  );
}

export function PendingGateway({ feature }: { readonly feature: string }) {
  return <EmptyState title={feature} detail="Available when the API gateway's route for it lands." />;
}

"use client";
import type { ChannelView } from "@gridtokenx/shared/hooks/useMarketFeed";

/** "Live", or "stale" with why: the data shown is the last received until the feed is back. */
export function FeedBadge({ view }: { readonly view: ChannelView<unknown> }) {
  let text = "live";
  if (!view.live) {
    if (view.phase === "absent") text = "no data yet";
    else if (view.connection === "reconnecting" || view.connection === "connecting") text = "stale · reconnecting";
    else if (view.phase === "resyncing") text = "stale · resyncing";
    else text = view.data === null ? "loading" : "stale";
  }
  const tone = view.live
    ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100"
    : "bg-amber-200 text-amber-900";
  return (
    <span
      data-testid="feed-status"
      data-state={view.live ? "live" : "stale"}
      role="status"
      className={`rounded px-1.5 py-0.5 text-xs font-semibold ${tone}`}
    >
      {text}
    </span>
  );
}

export function PanelTitle({ title, view }: { readonly title: string; readonly view: ChannelView<unknown> }) {
  return (
    <div className="mb-3 flex items-center justify-between gap-2">
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{title}</h2>
      <FeedBadge view={view} />
    </div>
  );
}

export function Panel({
  title,
  view,
  testId,
  className = "",
  children,
}: {
  readonly title: string;
  readonly view: ChannelView<unknown>;
  readonly testId: string;
  /** Sizes that keep the panel's place while its data arrives (no layout shift). */
  readonly className?: string;
  readonly children: React.ReactNode;
}) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      data-live={view.live ? "true" : "false"}
      className={`rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900 ${className}`}
    >
      <PanelTitle title={title} view={view} />
      {children}
    </section>
  );
}

"use client";
import type { ReactNode } from "react";

import { EmptyState } from "./EmptyState";

/** What QueryState reads of a TanStack query (a `useQuery` or `useInfiniteQuery` result). */
export interface QueryLike<T> {
  readonly data: T | undefined;
  readonly error: Error | null;
  readonly isError: boolean;
  readonly isFetching: boolean;
  readonly refetch: () => unknown;
}

export interface QueryStateProps<T> {
  readonly query: QueryLike<T>;
  /** What is loaded, for the messages: "fills" → "Could not load fills: …". */
  readonly what: string;
  /** When the data holds nothing to show; then `empty` is shown instead of `children`. */
  readonly isEmpty?: (data: T) => boolean;
  readonly empty?: { readonly title: string; readonly detail: string };
  /** The error for people (default: its message). */
  readonly describeError?: (error: Error) => string;
  readonly children: (data: T) => ReactNode;
}

function Failure({ text, retrying, retry }: { readonly text: string; readonly retrying: boolean; readonly retry: () => unknown }) {
  return (
    <div role="alert" className="flex flex-wrap items-center gap-2 text-sm text-red-700 dark:text-red-300">
      <span>{text}</span>
      <button
        type="button"
        onClick={() => void retry()}
        disabled={retrying}
        className="rounded border border-current px-2 py-0.5 text-xs disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-600"
      >
        {retrying ? "Retrying…" : "Try again"}
      </button>
    </div>
  );
}

/**
 * One query's four states: loading, an error with a retry button, empty, and its data. A
 * failed refresh of data already shown keeps the data, with the error above it.
 */
export function QueryState<T>({ query, what, isEmpty, empty, describeError, children }: QueryStateProps<T>) {
  const failure =
    query.isError && query.error ? (
      <Failure text={`Could not load ${what}: ${describeError ? describeError(query.error) : query.error.message}`} retrying={query.isFetching} retry={query.refetch} />
    ) : null;
  if (query.data === undefined) {
    return failure ?? (
      <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
        Loading {what}…
      </p>
    );
  }
  const body = isEmpty?.(query.data) && empty ? <EmptyState title={empty.title} detail={empty.detail} /> : children(query.data);
  return failure ? (
    <div className="grid gap-2">
      {failure}
      {body}
    </div>
  ) : (
    body
  );
}

import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { QueryState, type QueryLike } from "../src/components/ui/QueryState";

function query<T>(changes: Partial<QueryLike<T>>): QueryLike<T> {
  return { data: undefined, error: null, isError: false, isFetching: false, refetch: () => undefined, ...changes };
}

function render<T>(state: QueryLike<T>, isEmpty?: (data: T) => boolean): string {
  // QueryState has no hooks: called directly, its element tree renders as React would.
  const element = QueryState<T>({
    query: state,
    what: "fills",
    isEmpty,
    empty: { title: "No fills yet", detail: "Trades appear here." },
    describeError: (error: Error) => `said: ${error.message}`,
    children: (data: T) => createElement("p", { "data-testid": "data" }, JSON.stringify(data)),
  });
  return renderToStaticMarkup(createElement("div", null, element));
}

describe("QueryState", () => {
  it("says it is loading before the first answer", () => {
    expect(render(query({ isFetching: true }))).toContain("Loading fills…");
  });

  it("explains a failure and offers a retry", () => {
    const html = render(query({ isError: true, error: new Error("gateway down") }));
    expect(html).toContain('role="alert"');
    expect(html).toContain("Could not load fills: said: gateway down");
    expect(html).toContain("Try again");
    expect(render(query({ isError: true, isFetching: true, error: new Error("x") }))).toContain("Retrying…");
  });

  it("shows the empty state only when the data holds nothing", () => {
    const isEmpty = (data: number[]) => data.length === 0;
    expect(render(query({ data: [] as number[] }), isEmpty)).toContain("No fills yet");
    expect(render(query({ data: [1] }), isEmpty)).toContain('data-testid="data"');
  });

  it("keeps data already shown when a refresh fails", () => {
    const html = render(query({ data: [1], isError: true, error: new Error("timeout") }));
    expect(html).toContain("Could not load fills: said: timeout");
    expect(html).toContain('data-testid="data"');
  });
});

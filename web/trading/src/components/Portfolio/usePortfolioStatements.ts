"use client";
import { GatewayError, gatewayGet, type Schemas } from "@gridtokenx/shared/api/gateway";
import { addMonths, currentMonth } from "@gridtokenx/shared/energy/statementMonth";
import { useRuntimeConfig } from "@gridtokenx/shared/hooks/RuntimeConfigContext";
import { ME_KEY } from "@gridtokenx/shared/notifications/queries";
import type { Statement } from "@gridtokenx/shared/portfolio/earnings";
import { useQueries, type UseQueryResult } from "@tanstack/react-query";

/** The gateway counts months in its own local time: the browser's newest month may not have
 * started there yet (422 statement_month_in_future), which is no error for the portfolio. */
function notStarted(error: unknown): boolean {
  return error instanceof GatewayError && error.code === "statement_month_in_future";
}

export interface PortfolioStatements {
  /** Statements of the months asked for that answered (a month not started yet is left out). */
  readonly data: Statement[] | undefined;
  readonly error: Error | null;
  readonly isError: boolean;
  readonly isFetching: boolean;
  readonly refetch: () => void;
}

/** One QueryState-shaped answer for all months (module level: a stable `combine` keeps the
 * result's identity until a month's answer changes). */
function combine(results: readonly UseQueryResult<Statement | null, Error>[]): PortfolioStatements {
  const failed = results.find((result) => result.isError);
  const done = results.every((result) => result.data !== undefined);
  return {
    data: done ? results.flatMap((result) => (result.data ? [result.data] : [])) : undefined,
    error: failed?.error ?? null,
    isError: failed !== undefined,
    isFetching: results.some((result) => result.isFetching),
    refetch: () => {
      for (const result of results) if (result.isError) void result.refetch();
    },
  };
}

/** The account's statements of the last `months` months (the current one included), as one
 * query for QueryState: data once all answered, the first error otherwise. */
export function usePortfolioStatements(accessToken: string, months: number): PortfolioStatements {
  const { gatewayUrl } = useRuntimeConfig();
  const latest = currentMonth();
  const wanted = Array.from({ length: months }, (_, index) => addMonths(latest, -index));
  return useQueries({
    queries: wanted.map((month) => ({
      queryKey: [...ME_KEY, "statement", gatewayUrl, month, accessToken],
      queryFn: async (): Promise<Statement | null> => {
        try {
          return await gatewayGet<Schemas["StatementPublic"]>({ baseUrl: gatewayUrl, path: `/v1/me/statements/${month}`, accessToken });
        } catch (error) {
          if (notStarted(error)) return null;
          throw error;
        }
      },
      retry: (failures: number, error: Error) => !(error instanceof GatewayError && error.status < 500) && failures < 2,
      // The running month grows with each trade and mint (the live channel refetches it too).
      refetchInterval: month === latest ? 30_000 : false,
      staleTime: month === latest ? 0 : 5 * 60_000,
    })),
    combine,
  });
}

import type { Schemas, WithBigints } from "../../api/gateway";
import { TOKEN_DECIMALS, formatBaseUnits, formatPricePerKwh, formatUsdc } from "../../format/units";

type Totals = WithBigints<Schemas["StatementTotals"]>;

const kwh = (gxtBaseUnits: bigint) => `${formatBaseUnits(gxtBaseUnits, TOKEN_DECIMALS)} kWh`;
const price = (value: bigint | null) => (value === null ? "—" : formatPricePerKwh(value));
const co2 = (grams: bigint) => `${formatBaseUnits(grams, 3)} kg CO₂`;

interface Figure {
  readonly figure: string;
  readonly label: string;
  readonly value: bigint | null;
  readonly text: string;
}

/** The statement's figures in the order a bill reads (amounts exact, from base units). */
export function statementFigures(totals: Totals): Figure[] {
  const co2Total = totals.co2_avoided_purchases_g + totals.co2_avoided_generation_g;
  return [
    { figure: "energy_bought", label: "Energy bought", value: totals.energy_bought, text: kwh(totals.energy_bought) },
    { figure: "paid", label: "Paid", value: totals.paid, text: formatUsdc(totals.paid) },
    { figure: "average_buy_price_per_kwh", label: "Average buy price", value: totals.average_buy_price_per_kwh, text: price(totals.average_buy_price_per_kwh) },
    { figure: "energy_sold", label: "Energy sold", value: totals.energy_sold, text: kwh(totals.energy_sold) },
    { figure: "received_gross", label: "Received before fees", value: totals.received_gross, text: formatUsdc(totals.received_gross) },
    { figure: "fees", label: "Fees", value: totals.fees, text: formatUsdc(totals.fees) },
    { figure: "received_net", label: "Received after fees", value: totals.received_net, text: formatUsdc(totals.received_net) },
    { figure: "average_sell_price_per_kwh", label: "Average sell price", value: totals.average_sell_price_per_kwh, text: price(totals.average_sell_price_per_kwh) },
    { figure: "energy_minted", label: "Energy produced and minted", value: totals.energy_minted, text: kwh(totals.energy_minted) },
    { figure: "savings_on_purchases", label: "Saved on purchases vs. the retail tariff", value: totals.savings_on_purchases, text: formatUsdc(totals.savings_on_purchases) },
    { figure: "gain_on_sales", label: "Gained on sales vs. the feed-in tariff", value: totals.gain_on_sales, text: formatUsdc(totals.gain_on_sales) },
    { figure: "savings_total", label: "Total savings", value: totals.savings_total, text: formatUsdc(totals.savings_total) },
    { figure: "co2_avoided_g", label: "CO₂ avoided", value: co2Total, text: co2(co2Total) },
  ];
}

/** A monthly statement's totals (`GET /v1/me/statements/{YYYY-MM}`), each with its base units in
 * `data-value` for tests and exports. */
export function StatementFigures({ totals }: { readonly totals: Totals }) {
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
      {statementFigures(totals).map(({ figure, label, value, text }) => (
        <div key={figure} className="contents" data-testid="statement-figure" data-figure={figure} data-value={value === null ? "" : value.toString()}>
          <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
          <dd className={`font-mono tabular-nums ${figure === "savings_total" ? "font-semibold" : ""}`}>{text}</dd>
        </div>
      ))}
    </dl>
  );
}

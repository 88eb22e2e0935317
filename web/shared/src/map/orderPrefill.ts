/**
 * A zone on the grid map pre-fills the order form (pure): the link carries the zone, a side and a
 * quantity in its query, the form reads them once when it opens.
 *
 * A zone that fed the grid in the newest interval (net export > 0) has energy to sell: the form
 * opens as a buy of that surplus; a zone that drew from the grid opens as a sell of its deficit.
 * A zone whose balance is withheld or unknown pre-fills nothing but its number. The market is one
 * order book: the zone only suggests the order, it does not route it.
 */
import { TOKEN_DECIMALS, formatBaseUnits, parseBaseUnits } from "../format/units";

export interface OrderPrefill {
  readonly zone: number;
  readonly side: "buy" | "sell" | null;
  /** kWh as typed into the form (e.g. "1.5"); null: leave the field alone. */
  readonly quantityKwh: string | null;
}

/** Wh → kWh text for the form (GXT has 6 decimals: 1 Wh = 1,000 base units). */
function kwhText(wh: bigint): string {
  return formatBaseUnits(wh * 1000n, TOKEN_DECIMALS, { group: false });
}

export function zonePrefill(zone: number, netExportWh: bigint | null): OrderPrefill {
  if (netExportWh === null || netExportWh === 0n) return { zone, side: null, quantityKwh: null };
  return netExportWh > 0n
    ? { zone, side: "buy", quantityKwh: kwhText(netExportWh) }
    : { zone, side: "sell", quantityKwh: kwhText(-netExportWh) };
}

/** The trading page's link for `prefill` (the form is on `/`). */
export function orderHref(prefill: OrderPrefill): string {
  const query = new URLSearchParams({ zone: String(prefill.zone) });
  if (prefill.side) query.set("side", prefill.side);
  if (prefill.quantityKwh) query.set("quantity", prefill.quantityKwh);
  return `/?${query.toString()}#order-form`;
}

/** What a page's query (`location.search`) pre-fills; null when it names no valid zone. Values
 * that do not parse are dropped rather than shown. */
export function readPrefill(search: string): OrderPrefill | null {
  const query = new URLSearchParams(search);
  const zoneText = query.get("zone");
  if (zoneText === null || !/^\d{1,9}$/.test(zoneText)) return null;
  const sideText = query.get("side");
  const side = sideText === "buy" || sideText === "sell" ? sideText : null;
  let quantityKwh = query.get("quantity");
  if (quantityKwh !== null) {
    try {
      if (parseBaseUnits(quantityKwh, TOKEN_DECIMALS) <= 0n) quantityKwh = null;
    } catch {
      quantityKwh = null;
    }
  }
  return { zone: Number(zoneText), side, quantityKwh };
}

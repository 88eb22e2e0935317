"use client";
import { formatBaseUnits, TOKEN_DECIMALS } from "@gridtokenx/shared/format/units";
import { depthCurve, type Book, type DepthPoint } from "@gridtokenx/shared/market/channels";

const WIDTH = 480;
const HEIGHT = 140;

/** Position of `value` in [low, high] on `size` pixels, from bigints (exact until the pixel). */
function scale(value: bigint, low: bigint, high: bigint, size: number): number {
  if (high === low) return size / 2;
  return Number(((value - low) * 10_000n) / (high - low)) * (size / 10_000);
}

/** Cumulative bids (left, from the best bid down) and asks (right), as step areas in SVG. */
export function DepthChart({ book }: { readonly book: Book | null }) {
  const curve = book ? depthCurve(book) : { bids: [], asks: [] };
  const points = [...curve.bids, ...curve.asks];
  if (points.length === 0) return null;
  const prices = points.map((point) => point.price);
  const low = prices.reduce((left, right) => (right < left ? right : left));
  const high = prices.reduce((left, right) => (right > left ? right : left));
  const top = points.map((point) => point.cumulative).reduce((left, right) => (right > left ? right : left), 1n);
  const x = (price: bigint) => scale(price, low, high, WIDTH);
  const y = (quantity: bigint) => HEIGHT - scale(quantity, 0n, top, HEIGHT);
  const area = (side: readonly DepthPoint[]) => {
    if (side.length === 0) return "";
    let path = `M ${x(side[0]!.price)} ${HEIGHT}`;
    let previous = 0n;
    for (const point of side) {
      path += ` L ${x(point.price)} ${y(previous)} L ${x(point.price)} ${y(point.cumulative)}`;
      previous = point.cumulative;
    }
    return `${path} L ${x(side[side.length - 1]!.price)} ${HEIGHT} Z`;
  };
  return (
    <figure data-testid="depth-chart" data-points={points.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-36 w-full" role="img" aria-label="Depth chart: cumulative kWh bid and offered by price">
        <path d={area(curve.bids)} className="fill-emerald-500/40 stroke-emerald-600" />
        <path d={area(curve.asks)} className="fill-rose-500/40 stroke-rose-600" />
      </svg>
      <figcaption className="flex justify-between text-xs text-slate-500">
        <span>{formatBaseUnits(low, TOKEN_DECIMALS)}</span>
        <span>up to {formatBaseUnits(top, TOKEN_DECIMALS)} kWh</span>
        <span>{formatBaseUnits(high, TOKEN_DECIMALS)} USDC/kWh</span>
      </figcaption>
    </figure>
  );
}

import { sparklinePath, type Sample } from "../../lib/history";

const WIDTH = 160;
const HEIGHT = 32;

/** A small inline SVG line of the recent samples (no chart library: the console stays small). */
export function Sparkline({ samples, label }: { readonly samples: readonly Sample[]; readonly label: string }) {
  const path = sparklinePath(samples, WIDTH, HEIGHT);
  return (
    <svg role="img" aria-label={label} viewBox={`-1 -2 ${WIDTH + 2} ${HEIGHT + 4}`} width={WIDTH} height={HEIGHT} className="overflow-visible text-sky-600 dark:text-sky-400">
      <title>{label}</title>
      {path ? <path d={path} fill="none" stroke="currentColor" strokeWidth={1.5} vectorEffect="non-scaling-stroke" /> : null}
    </svg>
  );
}

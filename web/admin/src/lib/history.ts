/**
 * The short in-memory history behind the pipeline health charts, and the SVG path of a
 * sparkline. Pure; samples with no value (a part the gateway could not read) stay gaps.
 */

export interface Sample {
  readonly atMs: number;
  readonly value: number | null;
}

/** `history` with `sample` appended, keeping the newest `capacity` samples. */
export function appendSample(history: readonly Sample[], sample: Sample, capacity: number): Sample[] {
  const next = [...history, sample];
  return next.length > capacity ? next.slice(next.length - capacity) : next;
}

/**
 * An SVG path through the samples in a `width`×`height` box: x by position (oldest left), y
 * scaled between the smallest and largest value (a flat line mid-height when they are equal).
 * A gap starts a new segment. Empty when no sample has a value.
 */
export function sparklinePath(samples: readonly Sample[], width: number, height: number): string {
  const values = samples.map((sample) => sample.value).filter((value): value is number => value !== null && Number.isFinite(value));
  if (values.length === 0) return "";
  const low = Math.min(...values);
  const high = Math.max(...values);
  const step = samples.length > 1 ? width / (samples.length - 1) : 0;
  const y = (value: number) => (high === low ? height / 2 : height - ((value - low) / (high - low)) * height);
  let path = "";
  let drawing = false;
  samples.forEach((sample, index) => {
    if (sample.value === null || !Number.isFinite(sample.value)) {
      drawing = false;
      return;
    }
    path += `${drawing ? "L" : "M"}${round(index * step)} ${round(y(sample.value))}`;
    drawing = true;
  });
  return path;
}

function round(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

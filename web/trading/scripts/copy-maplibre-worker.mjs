// MapLibre's worker must be served as a file (bundled by Next.js it fails to load): copy it and
// the module it imports into public/maplibre/ before every build.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve("maplibre-gl/dist/maplibre-gl.css"));
const target = join(import.meta.dirname, "..", "public", "maplibre");
mkdirSync(target, { recursive: true });
for (const name of ["maplibre-gl-worker.mjs", "maplibre-gl-shared.mjs"]) {
  copyFileSync(join(dist, name), join(target, name));
}

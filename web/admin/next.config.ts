import { resolve } from "node:path";

import type { NextConfig } from "next";

// The repository root: the transaction view imports the programs' IDLs from `programs/` at
// build time, outside the npm workspace.
const repositoryRoot = resolve(__dirname, "../..");

const config: NextConfig = {
  transpilePackages: ["@gridtokenx/shared"],
  poweredByHeader: false,
  reactStrictMode: true,
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
};

export default config;

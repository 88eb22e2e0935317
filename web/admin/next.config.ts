import type { NextConfig } from "next";

const config: NextConfig = {
  transpilePackages: ["@gridtokenx/shared"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;

/** Our programs' IDLs, imported at build time from the repository's `programs/` folder. */
import registryIdl from "../../../../programs/registry/idl.json";
import tradingIdl from "../../../../programs/trading/idl.json";

import type { Idl } from "./idl";

export const REGISTRY_IDL = registryIdl as unknown as Idl;
export const TRADING_IDL = tradingIdl as unknown as Idl;

// What the Python test expects the page to reach, handed over as a file: drivers wait for the test
// to write EXPECT_FILE (after it changed the chain or the gateway) and then compare the page to it.
import { readFile } from "node:fs/promises";

/** The JSON the test wrote to EXPECT_FILE, once it exists (polled every 100 ms). */
export async function expectation() {
  for (;;) {
    try {
      return JSON.parse(await readFile(process.env.EXPECT_FILE, "utf8"));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

import { defineConfig } from "vitest/config";

// Tests pin the time zone so that nothing depends on the machine's local time.
process.env.TZ = "UTC";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});

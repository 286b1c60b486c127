import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tasks/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", ".sandbox/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});

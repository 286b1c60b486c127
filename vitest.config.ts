import { defineConfig } from "vitest/config";

// Test tiers, chosen by file name (`npx vitest run --project NAME`, or npm run test:unit / test:local / test:sandbox):
//   unit     x.test.ts        pure Node: no root, no network, no program but node itself. Runs anywhere in seconds.
//   local    x.local.test.ts  runs programs on this machine that test/setup.sh installs (lua5.4, javac/java, prosodyctl,
//                             sshd, ssh-keygen, nginx, vagrant, openssl…) or the shells; some need root. No sandbox host.
//   sandbox  x.e2e.test.ts, and every test under test/e2e/ or test/sandbox/: sandbox hosts (test/sandbox/host.ts
//            upHost), root and the build (dist/).
// A test that needs any program besides node goes into x.local.test.ts next to x.test.ts (pure part stays in x.test.ts).
const UNDER = (glob: string) => ["src", "tasks", "test", "scripts"].map((dir) => `${dir}/${glob}`);
const LOCAL = UNDER("**/*.local.test.ts");
const SANDBOX = [...UNDER("**/*.e2e.test.ts"), "test/e2e/**/*.test.ts", "test/sandbox/**/*.test.ts"];

export default defineConfig({
  test: {
    exclude: ["node_modules/**", "dist/**", ".sandbox/**"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: UNDER("**/*.test.ts"),
          exclude: [...LOCAL, ...SANDBOX],
          // Pure tests mostly wait on timers and sockets: use every CPU (vitest's default leaves one free, which is a
          // single worker and over a minute on a 2-CPU machine). A different maxWorkers needs its own group: in a
          // full run the unit tier goes first, then local and sandbox together.
          maxWorkers: "100%",
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: "local", include: LOCAL, exclude: SANDBOX, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: "sandbox", include: SANDBOX, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

// Verify: prove at the XMPP level that tokens open rooms, guests wait, and everything else is refused (src/verify/).
import type { Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

export const verify: Task<Record<string, never>> = {
  name: "verify",
  title: titleOf("verify"),
  facts: () => ({}),
  // Nothing to change: the proof runs after the (empty) changes, through the tunnel or, with --public, the public URL.
  plan: (_inv, _f, env) => ({ changes: [], proof: { kind: "verify", public: env?.public === true } }),
};

// Bridges: prove every videobridge of the deployment (the main host's own and each videobridge host's in the
// inventory) sits in the brewery and is operational for jicofo, after every host of the run is provisioned.
import type { Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

export const bridges: Task<Record<string, never>> = {
  name: "bridges",
  title: titleOf("bridges"),
  facts: () => ({}),
  // Nothing to change: the proof waits for the run's videobridge hosts, then reads jicofo's view (src/verify/bridges.ts).
  plan: () => ({ changes: [], proof: { kind: "bridges" } }),
};

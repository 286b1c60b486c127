// The ordered task list every run goes through.
import type { Task } from "../src/task.js";
import { accounts } from "./accounts.js";
import { bootstrap } from "./bootstrap.js";
import { bridges } from "./bridges.js";
import { certificates } from "./certificates.js";
import { jicofo } from "./jicofo.js";
import { jitsiMeet } from "./jitsi-meet.js";
import { nginx } from "./nginx.js";
import { packages } from "./packages.js";
import { preflight } from "./preflight.js";
import { prosody } from "./prosody.js";
import { restart } from "./restart.js";
import { verify } from "./verify.js";
import { videobridge } from "./videobridge.js";

export const TASKS: Task[] = [preflight, bootstrap, packages, certificates, prosody, jicofo, videobridge, accounts, jitsiMeet, nginx, restart, verify, bridges] as Task[];

// What a terminal shows while a host runs: its step and elapsed time, and how long the last line has been waiting.
import { formatClock, formatDuration } from "../duration.js";

/** The host's title on a TTY: "meet.example.org [3/12] jicofo · 0:42" (step of the selected tasks, time since the host started). */
export function stepTitle(host: string, step: number, steps: number, task: string, elapsedMs: number): string {
  return `${host} [${step}/${steps}] ${task} · ${formatClock(elapsedMs)}`;
}

/** After `afterMs` without a new line, the last line says how long it has been waiting ("restarting jicofo (12 s)"). */
export function withWaiting(line: string, sinceMs: number, afterMs = 3000): string {
  return sinceMs >= afterMs ? `${line} (${formatDuration(Math.floor(sinceMs / 1000) * 1000)})` : line;
}

// Where a run's progress lines go: one function taking the host and a line (runner, tasks' log, -v streams).

/** Receives one progress line of one host (already masked); it adds the host prefix, colour or nothing. */
export type LogSink = (host: string, line: string) => void;

// Log lines as Jitsi's org.jitsi.utils.logging2.JitsiLogFormatter writes them (sandbox test infrastructure, shared
// by the stand-ins): "<PROGRAM> <date> <LEVEL>: [<thread>] [<ctx>] <Class>.<method>#<line>: <message>", and an
// exception's "<class>: <message>" on the next line, as java.util.logging prints a Throwable (docs/jitsi.md).

/** The formatter's local time stamp, "yyyy-MM-dd HH:mm:ss.SSS". */
export function stamp(d = new Date()) {
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * A logger for one class. context: { key: value } printed as "[k=v k=v] " (jicoco's MucClient logs with
 * hostname and id). write: where lines go (default stdout, which the unit sends to the journal).
 */
export function jitsiLogger(program, className, context = {}, write = (s) => process.stdout.write(s)) {
  const ctx = Object.keys(context).length ? `[${Object.entries(context).map(([k, v]) => `${k}=${v}`).join(" ")}] ` : "";
  // java.util.logging loggers (ice4j) are named by their full class name and print no "#line".
  const where = (method) => (className.includes(".") ? `${className}.${method}` : `${className}.${method}#0`);
  const line = (level, method, msg, err) => {
    const thrown = err ? `\n${err.javaClass ?? "java.lang.Exception"}: ${err.message}` : "";
    write(`${program} ${stamp()} ${level}: [${process.pid}] ${ctx}${where(method)}: ${msg}${thrown}\n`);
  };
  return {
    info: (method, msg, err) => line("INFO", method, msg, err),
    warn: (method, msg, err) => line("WARNING", method, msg, err),
    error: (method, msg, err) => line("SEVERE", method, msg, err),
  };
}

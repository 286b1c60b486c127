// Stand-in for jicofo's java.util.logging output (sandbox test infrastructure):
// "Jicofo <date> <LEVEL>: [<thread>] <Class>.<method>#<line>: <message>" lines on stdout,
// which the unit sends to /var/log/jicofo/jicofo.log.

/** Formats the current time like jicofo's log formatter. */
function stamp() {
  const d = new Date();
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Returns a logger whose lines name the given class. */
export function createLogger(className) {
  const line = (level, method, msg) =>
    process.stdout.write(`Jicofo ${stamp()} ${level}: [${process.pid}] ${className}.${method}#0: ${msg}\n`);
  return {
    info: (method, msg) => line("INFO", method, msg),
    warn: (method, msg) => line("WARNING", method, msg),
    error: (method, msg) => line("SEVERE", method, msg),
  };
}

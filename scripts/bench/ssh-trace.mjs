// Loaded with `node --import` into a bench run of the built CLI: records every SSH connection, exec channel (its
// command line and the bytes sent on its stdin) and forwarded channel the CLI opens, and writes them as JSON to
// $BENCH_SSH_TRACE when the process exits. The bench reads it to count channels and to build the floor's script.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const out = process.env.BENCH_SSH_TRACE;
if (out) {
  // The same ssh2 the CLI loads (through node-ssh), resolved from the repository.
  const require = createRequire(join(process.cwd(), "package.json"));
  const { Client } = require("ssh2");
  const trace = { connections: 0, execs: [], forwards: [] };
  const connect = Client.prototype.connect;
  Client.prototype.connect = function (cfg) {
    trace.connections++;
    return connect.call(this, cfg);
  };
  const exec = Client.prototype.exec;
  Client.prototype.exec = function (cmd, opts, cb) {
    const record = { cmd, stdin: "", at: Date.now() };
    trace.execs.push(record);
    const callback = typeof opts === "function" ? opts : cb;
    const wrapped = (err, channel) => {
      if (channel) {
        const write = channel.write.bind(channel);
        channel.write = (chunk, ...rest) => {
          if (chunk !== undefined && chunk !== null) record.stdin += Buffer.from(chunk).toString("base64") + "\n";
          return write(chunk, ...rest);
        };
        const end = channel.end.bind(channel);
        channel.end = (chunk, ...rest) => {
          if (chunk !== undefined && chunk !== null && typeof chunk !== "function") record.stdin += Buffer.from(chunk).toString("base64") + "\n";
          return end(chunk, ...rest);
        };
      }
      callback(err, channel);
    };
    return typeof opts === "function" ? exec.call(this, cmd, wrapped) : exec.call(this, cmd, opts, wrapped);
  };
  const forwardOut = Client.prototype.forwardOut;
  Client.prototype.forwardOut = function (srcIP, srcPort, dstIP, dstPort, cb) {
    trace.forwards.push({ to: `${dstIP}:${dstPort}`, at: Date.now() });
    return forwardOut.call(this, srcIP, srcPort, dstIP, dstPort, cb);
  };
  process.on("exit", () => writeFileSync(out, JSON.stringify(trace)));
}

// Stand-in for jitsi/jitsi-videobridge (sandbox test infrastructure): an idle process
// that logs like the bridge and exits cleanly on SIGTERM. It bridges no media.
const stamp = () => new Date().toISOString().replace("T", " ").replace("Z", "");
const log = (msg) => process.stdout.write(`JVB ${stamp()} INFO: [${process.pid}] MainKt.main#0: ${msg}\n`);
log("Starting jitsi-videobridge (sandbox stand-in, idle)");
const stop = () => {
  log("Stopping jitsi-videobridge");
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setInterval(() => {}, 1 << 30);

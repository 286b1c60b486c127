// An XMPP stream parser for the stand-ins' XMPP client (sandbox test infrastructure): "open" with the stream's
// attributes, "element" with each depth-1 ltx Element, "close" at the end of the stream.
import { EventEmitter } from "node:events";
import { Element } from "ltx";
import SaxLtx from "ltx/src/parsers/ltx.js";

/** Parses an XMPP stream into "open" (stream attrs) and "element" (depth-1 Element) events. */
export class StreamParser extends EventEmitter {
  constructor() {
    super();
    this.sax = new SaxLtx();
    let depth = 0;
    let el = null;
    this.sax.on("startElement", (name, attrs) => {
      depth += 1;
      if (depth === 1) {
        this.emit("open", attrs);
        return;
      }
      const child = new Element(name, attrs);
      el = el ? el.cnode(child) : child;
    });
    this.sax.on("endElement", () => {
      depth -= 1;
      if (depth === 0) {
        this.emit("close");
        return;
      }
      if (!el) return;
      if (el.parent) {
        el = el.parent;
      } else {
        const done = el;
        el = null;
        this.emit("element", done);
      }
    });
    this.sax.on("text", (t) => {
      if (el) el.t(t);
    });
    this.sax.on("error", (e) => this.emit("error", e));
  }
  write(data) {
    this.sax.write(data);
  }
}

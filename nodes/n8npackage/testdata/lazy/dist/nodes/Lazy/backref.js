"use strict";
// Requires the node file back by a computed name, which the cycle check
// does not follow: Node would show it the node file's exports as they
// stood mid-load (no class yet).
lazyLog.push("backref");
const self = require(["./Lazy", "node"].join("."));
exports.sawLazy = typeof self.Lazy;

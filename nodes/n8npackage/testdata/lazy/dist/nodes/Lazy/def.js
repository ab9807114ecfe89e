"use strict";
lazyLog.push("def");
module.exports = function def() { return "default export called"; };

"use strict";
lazyLog.push("shorthand");
exports.name = "shorthand";

"use strict";
lazyLog.push("inner");
exports.v = 7;

"use strict";
lazyLog.push("star");
exports.a = "star member";

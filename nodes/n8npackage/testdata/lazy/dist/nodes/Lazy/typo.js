"use strict";
lazyLog.push("typo");
const missing = undefined;
exports.x = missing.x; // a TypeError at load

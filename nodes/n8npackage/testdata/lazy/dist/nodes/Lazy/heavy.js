"use strict";
lazyLog.push("heavy");
exports.value = 42;
exports.self = () => module.exports;

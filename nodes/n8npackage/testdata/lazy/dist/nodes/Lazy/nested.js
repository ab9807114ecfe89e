"use strict";
lazyLog.push("nested");
const broken = require("./broken");
exports.v = broken.value; // read at once: broken's error is this module's

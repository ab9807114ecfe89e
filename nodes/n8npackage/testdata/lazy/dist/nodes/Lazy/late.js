"use strict";
// Required at the node file's top, read only by a route function.
lazyLog.push("late");
exports.value = "late value";

"use strict";
lazyLog.push("broken");
throw new Error("broken at load");

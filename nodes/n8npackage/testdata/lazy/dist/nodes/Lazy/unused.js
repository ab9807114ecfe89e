"use strict";
lazyLog.push("unused");

"use strict";
lazyLog.push("plain");
module.exports = function plain() {
    if (new.target) this.made = "constructed";
    return new.target ? undefined : "called";
};

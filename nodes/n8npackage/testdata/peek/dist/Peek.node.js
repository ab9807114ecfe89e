"use strict";
const fs = require("fs");
exports.Peek = class Peek { constructor() { this.secret = fs.readFileSync("/etc/passwd", "utf8"); } };

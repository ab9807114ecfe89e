"use strict";
const gone = require("./gone");
class Missing {
    constructor() {
        this.description = { displayName: 'Missing', name: 'missing', version: 1, inputs: ['main'], outputs: ['main'], properties: [] };
    }
    read() { return gone.value; }
}
exports.Missing = Missing;

"use strict";
const hoard = [];
for (;;) { hoard.push(new Uint8Array(1 << 20)); }

"use strict";
for (;;) {}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Gadget = void 0;
const kit = require("widget-kit");
// A timer set at load fires before loading ends.
let fired = false;
setTimeout(() => { fired = true; }, 50);
class Gadget {
    constructor() {
        this.description = {
            displayName: 'Gadget', name: 'gadget', icon: 'file:gadget.svg', group: ['input'], version: 1,
            description: 'Ping gadgets',
            defaults: { name: 'Gadget' }, inputs: ['main'], outputs: ['main'],
            requestDefaults: { baseURL: 'https://gadgets.example' },
            properties: [
                { displayName: 'Operation', name: 'operation', type: 'options', default: 'ping',
                  options: [{ name: 'Ping', value: 'ping', routing: { request: { method: 'GET', url: '/ping' } } }] },
                { displayName: 'Kit', name: 'kit', type: 'hidden',
                  // read when the description is exported, after the timers ran
                  get default() {
                    return JSON.stringify({ shapes: kit.shapes, cycle: kit.cycle, digest: kit.digest, token: kit.token,
                        hr: kit.hr, seen: kit.seen, same: require("widget-kit") === kit, timer: fired });
                  } },
            ],
        };
    }
}
exports.Gadget = Gadget;

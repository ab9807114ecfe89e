"use strict";
// Compiled-TypeScript shapes of require, and the cases that must keep
// their require where it is. globalThis.lazyLog records when each module
// ran its top-level code.
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) result[k] = mod[k];
    result["default"] = mod;
    return result;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.Lazy = void 0;
globalThis.lazyLog = [];
const heavy = require("./heavy");
const def_1 = __importDefault(require("./def"));
const plain = require("./plain");
const star = __importStar(require("./star"));
const broken = require("./broken");
const evals = require("./evals");
const nested = require("./nested");
const backref = require("./backref");
const typo = require("./typo");
const late = require("./late"); // read only by useLate, after the load
const unused = require("./unused"); // never read: kept for its side effects
const shorthand = require("./shorthand"); // read as { shorthand }: not deferred
const kept = { shorthand };
// ring-a requires ring-b, which requires ring-a back at its top level
const ring = require("ring-a").describe();
lazyLog.push("Lazy.node.js");
function brokenMessage() {
    try {
        return String(broken.value);
    } catch (e) {
        return e.message + " | cause: " + (e.cause && e.cause.message);
    }
}
// A route function: the first read of late evaluates it, after the load.
function useLate() {
    throw new Error("read " + late.value + " after " + lazyLog.join(","));
}
class Lazy {
    constructor() {
        const atLoad = lazyLog.slice();
        this.description = {
            displayName: 'Lazy', name: 'lazy', group: ['input'], version: 1, description: 'Defers requires',
            defaults: { name: 'Lazy' }, inputs: ['main'], outputs: ['main'],
            requestDefaults: { baseURL: 'https://lazy.example' },
            properties: [
                { displayName: 'Operation', name: 'operation', type: 'options', default: 'get',
                  options: [
                      { name: 'Get', value: 'get', routing: { request: { method: 'GET', url: '/' } } },
                      { name: 'Late', value: 'late', routing: { request: { method: 'GET', url: '/late' }, send: { preSend: [useLate] } } },
                  ] },
                // read when the description is exported: a plain call in a
                // constructor sees the constructor's new.target in goja
                { displayName: 'Facts', name: 'facts', type: 'hidden', get default() { return JSON.stringify(facts(atLoad)); } },
            ],
        };
    }
}
function facts(atLoad) {
    return {
        atLoad,
        value: heavy.value,
        same: heavy.self() === heavy,
        def: (0, def_1.default)(),
        defType: typeof def_1.default,
        plain: [plain(), new plain().made, plain.name, plain.prototype.constructor === plain],
        star: star.a,
        broken: brokenMessage(),
        brokenAgain: brokenMessage(),
        evals: evals.read(),
        nested: (() => { try { return nested.v; } catch (e) { return e.message; } })(),
        kept: kept.shorthand.name,
        ring,
        backref: backref.sawLazy,
        typed: (() => { try { return typo.x; } catch (e) { return [e.constructor.name, e instanceof TypeError, e.cause.constructor.name]; } })(),
        after: lazyLog.slice(),
    };
}
exports.Lazy = Lazy;

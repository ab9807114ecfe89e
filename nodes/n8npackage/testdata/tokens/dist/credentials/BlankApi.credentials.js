"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BlankApi = void 0;
// A credential type without a test request that no node tests: the
// Widget node's testedBy for it is empty.
class BlankApi {
    constructor() {
        this.name = 'blankApi';
        this.displayName = 'Blank API';
        this.properties = [
            { displayName: 'URL', name: 'url', type: 'string', default: '' },
        ];
    }
}
exports.BlankApi = BlankApi;

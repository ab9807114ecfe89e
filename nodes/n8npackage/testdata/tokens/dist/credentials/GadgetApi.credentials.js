"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GadgetApi = void 0;
// A credential type without a test request: the Gadget node tests it
// with its testedBy request, sent to the node's requestDefaults.baseURL.
class GadgetApi {
    constructor() {
        this.name = 'gadgetApi';
        this.displayName = 'Gadget API';
        this.properties = [
            { displayName: 'URL', name: 'url', type: 'string', default: '' },
            { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
        ];
        this.authenticate = { type: 'generic', properties: { headers: { 'X-Gadget-Key': '={{$credentials.apiKey}}' } } };
    }
}
exports.GadgetApi = GadgetApi;

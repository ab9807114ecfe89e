"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Gadget = void 0;
// Tests its credential with a request of its own (testedBy as an
// object), whose URL is relative to the node's requestDefaults.baseURL.
class Gadget {
    constructor() {
        this.description = {
            displayName: 'Gadget', name: 'gadget', group: ['transform'], version: 1,
            description: 'Gadgets', defaults: { name: 'Gadget' }, inputs: ['main'], outputs: ['main'],
            credentials: [{
                name: 'gadgetApi', required: true,
                testedBy: {
                    request: { method: 'GET', url: '/me' },
                    rules: [
                        { type: 'responseCode', properties: { value: 403, message: 'This key is banned' } },
                        { type: 'responseSuccessBody', properties: { key: 'plan', value: 'free', message: 'A free plan cannot use the API' } },
                    ],
                },
            }],
            requestDefaults: { baseURL: '={{$credentials.url}}/v2' },
            properties: [
                { displayName: 'Thing', name: 'thing', type: 'string', default: '', routing: { request: { method: 'GET', url: '=/things/{{$value}}' } } },
            ],
        };
    }
}
exports.Gadget = Gadget;

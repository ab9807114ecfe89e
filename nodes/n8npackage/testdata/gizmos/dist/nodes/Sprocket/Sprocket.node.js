"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Sprocket = void 0;
class Sprocket {
    constructor() {
        this.description = {
            displayName: 'Sprocket', name: 'sprocket', group: ['transform'], version: 1,
            description: 'Sprockets', defaults: { name: 'Sprocket' }, inputs: ['main'], outputs: ['main'],
            credentials: [{ name: 'sprocketApi', required: true }],
            requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
            properties: [
                { displayName: 'ID', name: 'id', type: 'string', default: '', routing: { request: { method: 'GET', url: '=/sprockets/{{$value}}' } } },
            ],
        };
    }
}
exports.Sprocket = Sprocket;

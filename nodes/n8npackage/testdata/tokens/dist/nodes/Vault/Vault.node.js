"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = void 0;
class Vault {
    constructor() {
        this.description = {
            displayName: 'Vault', name: 'vault', group: ['transform'], version: 1,
            description: 'Vault secrets', defaults: { name: 'Vault' }, inputs: ['main'], outputs: ['main'],
            credentials: [{ name: 'vaultOAuth2Api', required: true }],
            requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
            properties: [
                { displayName: 'Secret', name: 'secret', type: 'string', default: '', routing: { request: { method: 'GET', url: '=/v1/secrets/{{$value}}' } } },
            ],
        };
    }
}
exports.Vault = Vault;

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.VaultOAuth2Api = void 0;
// An OAuth2 credential whose API wants its own token: preAuthentication
// trades the OAuth2 access token for a vault token, and the requests are
// signed with the token data it returns.
class VaultOAuth2Api {
    constructor() {
        this.name = 'vaultOAuth2Api';
        this.displayName = 'Vault OAuth2 API';
        this.extends = ['oAuth2Api'];
        this.properties = [
            { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
            { displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'clientCredentials' },
            { displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
            { displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
            { displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
            { displayName: 'Scope', name: 'scope', type: 'hidden', default: 'vault' },
            { displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
        ];
        this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/v1/whoami' } };
    }
    async preAuthentication(credentials) {
        const res = await this.helpers.httpRequest({
            method: 'POST', url: credentials.baseUrl + '/v1/exchange', json: true,
            headers: { Authorization: 'Bearer ' + credentials.oauthTokenData.access_token },
        });
        return { oauthTokenData: Object.assign({}, credentials.oauthTokenData, { access_token: res.vault_token }) };
    }
}
exports.VaultOAuth2Api = VaultOAuth2Api;

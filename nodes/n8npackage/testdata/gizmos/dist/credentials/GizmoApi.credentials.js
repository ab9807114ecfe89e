"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GizmoApi = void 0;
class GizmoApi {
    constructor() {
        this.name = 'gizmoApi';
        this.displayName = 'Gizmo API';
        this.properties = [
            { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
            { displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
            { displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
            { displayName: 'Session', name: 'session', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
        ];
        this.authenticate = {
            type: 'generic',
            properties: { headers: { 'X-Gizmo-Session': '={{$credentials.session}}' } },
        };
    }
    // An async preAuthentication that awaits two requests and a timer.
    async preAuthentication(credentials) {
        const hello = await this.helpers.httpRequest({ method: 'GET', url: credentials.baseUrl + '/hello' });
        await new Promise((resolve) => setTimeout(resolve, 10));
        const res = await this.helpers.httpRequest({
            method: 'POST', url: credentials.baseUrl + '/session',
            body: { password: credentials.password, nonce: hello.nonce }, json: true,
        });
        console.log('session', res.token, 'for', credentials.password);
        // Fires after preAuthentication returned, perhaps in another call.
        setTimeout(() => console.log('timer sees', res.token.toUpperCase()), 1);
        return { session: res.token };
    }
}
exports.GizmoApi = GizmoApi;

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WidgetApi = void 0;
class WidgetApi {
    constructor() {
        this.name = 'widgetApi';
        this.displayName = 'Widget API';
        this.icon = 'file:widget.svg';
        this.properties = [
            { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://widgets.example' },
            { displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
            { displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
        ];
        this.authenticate = {
            type: 'generic',
            properties: { headers: { 'X-Widget-Session': '={{$credentials.sessionToken}}' } },
        };
        this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/ping' } };
    }
    async preAuthentication(credentials) {
        const res = await this.helpers.httpRequest({ method: 'POST', url: credentials.baseUrl + '/session', body: { password: credentials.password } });
        return { sessionToken: res.token };
    }
}
exports.WidgetApi = WidgetApi;

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WidgetApi = void 0;
// A credential type without a test request: the Widget node's versions
// test it with different testedBy requests.
class WidgetApi {
    constructor() {
        this.name = 'widgetApi';
        this.displayName = 'Widget API';
        this.properties = [
            { displayName: 'URL', name: 'url', type: 'string', default: '' },
            { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
        ];
        this.authenticate = { type: 'generic', properties: { headers: { 'X-Gadget-Key': '={{$credentials.apiKey}}' } } };
    }
}
exports.WidgetApi = WidgetApi;

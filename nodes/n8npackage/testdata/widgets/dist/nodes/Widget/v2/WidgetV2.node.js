"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WidgetV2 = void 0;
const shared_1 = require("../shared");
class WidgetV2 {
    constructor(baseDescription) {
        this.description = Object.assign(Object.assign({}, baseDescription), {
            version: 2, defaults: { name: 'Widget' }, inputs: ['main'], outputs: ['main'],
            credentials: [{ name: 'widgetApi', required: true }],
            requestDefaults: { baseURL: '={{$credentials.baseUrl}}', headers: { Accept: 'application/json' } },
            properties: shared_1.properties,
        });
    }
}
exports.WidgetV2 = WidgetV2;

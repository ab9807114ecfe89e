"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.WidgetV1 = void 0;
const shared_1 = require("../shared");
class WidgetV1 {
    constructor(baseDescription) {
        this.description = Object.assign(Object.assign({}, baseDescription), {
            version: 1, defaults: { name: 'Widget' }, inputs: ['main'], outputs: ['main'],
            credentials: [{ name: 'widgetApi', required: true }],
            requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
            properties: shared_1.properties.filter((p) => p.name !== 'shape'),
        });
        this.methods = { listSearch: { searchWidgets: async function () { return { results: [] }; } } };
    }
}
exports.WidgetV1 = WidgetV1;

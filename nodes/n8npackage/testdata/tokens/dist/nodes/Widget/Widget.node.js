"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Widget = void 0;
const n8n_workflow_1 = require("n8n-workflow");
// A versioned node whose versions test widgetApi with different testedBy
// requests and base URLs: n8n's CredentialsTester takes the first
// version's (nodeVersions in key order). Its blankApi reference has a
// testedBy that is empty, which names no test.
const description = (version, testPath, base) => ({
    displayName: 'Widget', name: 'widget', group: ['transform'], version,
    description: 'Widgets', defaults: { name: 'Widget' }, inputs: ['main'], outputs: ['main'],
    credentials: [
        { name: 'widgetApi', required: true, testedBy: { request: { method: 'GET', url: testPath } } },
        { name: 'blankApi', testedBy: '' },
    ],
    requestDefaults: { baseURL: '={{$credentials.url}}' + base },
    properties: [
        { displayName: 'Widget', name: 'widget', type: 'string', default: '', routing: { request: { method: 'GET', url: '=/widgets/{{$value}}' } } },
    ],
});
class WidgetV1 {
    constructor() {
        this.description = description(1, '/whoami', '/one');
    }
}
class WidgetV2 {
    constructor() {
        this.description = description(2, '/me', '/two');
    }
}
class Widget extends n8n_workflow_1.VersionedNodeType {
    constructor() {
        const baseDescription = { displayName: 'Widget', name: 'widget', group: ['transform'], description: 'Widgets', defaultVersion: 2 };
        super({ 1: new WidgetV1(), 2: new WidgetV2() }, baseDescription);
    }
}
exports.Widget = Widget;

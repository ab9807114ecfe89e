"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Gizmo = void 0;
const n8n_workflow_1 = require("n8n-workflow");
// A versioned node whose credential is tested by a function of its
// methods.credentialTest (testedBy as a name); version 2's function is
// the one n8n uses. The credential's mode field picks what the function
// does.
const description = (version) => ({
    displayName: 'Gizmo', name: 'gizmo', group: ['transform'], version,
    description: 'Gizmos', defaults: { name: 'Gizmo' }, inputs: ['main'], outputs: ['main'],
    credentials: [
        { name: 'gizmoApi', required: true, testedBy: 'gizmoApiTest', displayOptions: { show: { authentication: ['password'] } } },
        { name: 'gizmoOAuth2Api', required: true, testedBy: 'gizmoApiTest', displayOptions: { show: { authentication: ['oAuth2'] } } },
    ],
    requestDefaults: { baseURL: '={{$credentials.url}}' },
    properties: [
        { displayName: 'Authentication', name: 'authentication', type: 'options', default: 'password',
          options: [{ name: 'Password', value: 'password' }, { name: 'OAuth2', value: 'oAuth2' }] },
        { displayName: 'Gizmo', name: 'gizmo', type: 'string', default: '', routing: { request: { method: 'GET', url: '=/gizmos/{{$value}}' } } },
    ],
});
class GizmoV1 {
    constructor() {
        this.description = description(1);
        this.methods = {
            credentialTest: {
                async gizmoApiTest() {
                    return { status: 'Error', message: 'version 1 test function' };
                },
            },
        };
    }
}
class GizmoV2 {
    constructor() {
        this.description = description(2);
        this.methods = {
            credentialTest: {
                async gizmoApiTest(credential) {
                    const { url, user, password, mode } = credential.data;
                    if (mode === 'throw') {
                        throw new Error('cannot reach ' + url + ' as ' + user + ' with ' + password);
                    }
                    if (mode === 'member') {
                        this.getNodeParameter('gizmo', 0);
                    }
                    if (mode === 'none') {
                        return undefined;
                    }
                    if (mode === 'status') {
                        return { status: 'Fine', message: 'fine' };
                    }
                    if (mode === 'number') {
                        return { status: 'OK', message: 42 };
                    }
                    if (mode === 'spin') {
                        for (;;) {}
                    }
                    if (mode === 'log') {
                        this.logger.info('testing as ' + user + ' with ' + password);
                        console.log('console sees', password);
                        return { status: 'OK', message: 'logged' };
                    }
                    if (mode === 'sync') {
                        return { status: 'OK', message: 'sync ' + credential.type };
                    }
                    const requests = {
                        uri: [url + '/login', { method: 'POST', body: { user, password }, json: true }],
                        optionsUri: [url + '/elsewhere', { uri: url + '/login', method: 'POST', body: { user, password }, json: true }],
                        form: [{ uri: url + '/login', method: 'POST', form: { user, password } }],
                    };
                    const options = requests[mode] || [{ uri: url + '/login', method: 'POST', auth: { user, pass: password }, qs: { v: 2 } }];
                    try {
                        const res = await this.helpers.request(...options);
                        this.logger.debug('gizmo test answered');
                        const who = typeof res === 'string' ? JSON.parse(res).who : res.who;
                        return { status: 'OK', message: 'Hello ' + who + ' (' + typeof res + ')' };
                    } catch (error) {
                        return { status: 'Error', message: 'Login as ' + user + ' with ' + password + ' failed: ' + error.message };
                    }
                },
            },
        };
    }
}
class Gizmo extends n8n_workflow_1.VersionedNodeType {
    constructor() {
        const baseDescription = { displayName: 'Gizmo', name: 'gizmo', group: ['transform'], description: 'Gizmos', defaultVersion: 2 };
        super({ 1: new GizmoV1(), 2: new GizmoV2() }, baseDescription);
    }
}
exports.Gizmo = Gizmo;

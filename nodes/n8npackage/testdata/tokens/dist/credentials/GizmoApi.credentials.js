"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GizmoApi = void 0;
// A credential type without a test request: the Gizmo node tests it with
// a function of its methods.credentialTest.
class GizmoApi {
    constructor() {
        this.name = 'gizmoApi';
        this.displayName = 'Gizmo API';
        this.properties = [
            { displayName: 'URL', name: 'url', type: 'string', default: '' },
            { displayName: 'User', name: 'user', type: 'string', default: '' },
            { displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
            { displayName: 'Mode', name: 'mode', type: 'string', default: 'request' },
        ];
    }
}
exports.GizmoApi = GizmoApi;

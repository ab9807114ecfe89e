"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GizmoOAuth2Api = void 0;
// An OAuth2 type without a test request that the Gizmo node names with a
// testedBy: n8n's OAuth2 "connected" test comes first.
class GizmoOAuth2Api {
    constructor() {
        this.name = 'gizmoOAuth2Api';
        this.displayName = 'Gizmo OAuth2 API';
        this.extends = ['oAuth2Api'];
        this.properties = [
            { displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
            { displayName: 'URL', name: 'url', type: 'string', default: '' },
        ];
    }
}
exports.GizmoOAuth2Api = GizmoOAuth2Api;

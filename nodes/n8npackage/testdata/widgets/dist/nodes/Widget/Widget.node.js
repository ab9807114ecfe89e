"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Widget = void 0;
const n8n_workflow_1 = require("n8n-workflow");
const WidgetV1_1 = require("./v1/WidgetV1.node");
const WidgetV2_1 = require("./v2/WidgetV2.node");
class Widget extends n8n_workflow_1.VersionedNodeType {
    constructor() {
        const baseDescription = {
            displayName: 'Widget',
            name: 'widget',
            icon: { light: 'file:widget.svg', dark: 'file:widget.dark.svg' },
            group: ['transform'],
            defaultVersion: 2,
            description: 'Manage widgets',
        };
        const nodeVersions = {
            1: new WidgetV1_1.WidgetV1(baseDescription),
            2: new WidgetV2_1.WidgetV2(baseDescription),
        };
        super(nodeVersions, baseDescription);
    }
}
exports.Widget = Widget;

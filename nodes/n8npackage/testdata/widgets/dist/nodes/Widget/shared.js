"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.properties = exports.listSearchPagination = exports.keepFirst = exports.tagRequest = void 0;
const n8n_workflow_1 = require("n8n-workflow");
const kit = require("widget-kit");
async function tagRequest(requestOptions) {
    requestOptions.headers = Object.assign({}, requestOptions.headers, { 'X-Tag': 'noderun' });
    return requestOptions;
}
exports.tagRequest = tagRequest;
async function keepFirst(items) {
    return items.slice(0, 1);
}
exports.keepFirst = keepFirst;
async function listSearchPagination(requestData) {
    const out = [];
    let page = 1;
    for (;;) {
        requestData.options.qs = Object.assign({}, requestData.options.qs, { page });
        const items = await this.makeRoutingRequest(requestData);
        if (items.length === 0) return out;
        out.push(...items);
        page++;
    }
}
exports.listSearchPagination = listSearchPagination;
exports.properties = [
    {
        displayName: 'Operation', name: 'operation', type: 'options', noDataExpression: true, default: 'get',
        options: [
            { name: 'Get', value: 'get', action: 'Get a widget', routing: {
                request: { method: 'GET', url: '=/widgets/{{$parameter.widgetId}}' },
                send: { preSend: [tagRequest] },
                output: { postReceive: [keepFirst, { type: 'rootProperty', properties: { property: 'data' } }] },
            } },
            { name: 'List', value: 'list', action: 'List widgets', routing: {
                request: { method: 'GET', url: '/widgets', ignoreHttpStatusErrors: { ignore: true, except: [401] } },
                operations: { pagination: listSearchPagination },
            } },
            { name: 'Count', value: 'count', action: 'Count widgets', routing: {
                request: { method: 'GET', url: '=/widgets/count/{{$parameter.shape}}' },
            } },
        ],
    },
    ...(0, n8n_workflow_1.updateDisplayOptions)({ show: { operation: ['get'] } }, [
        {
            displayName: 'Widget', name: 'widgetId', type: 'resourceLocator', default: { mode: 'list', value: '' }, required: true,
            modes: [
                { displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchWidgets' } },
                { displayName: 'ID', name: 'id', type: 'string',
                  validation: [{ type: 'regex', properties: { regex: '^w-[0-9]+$', errorMessage: 'Not a widget ID' } }],
                  extractValue: { type: 'regex', regex: '^(w-[0-9]+)$' } },
            ],
        },
    ]),
    { displayName: 'Shape', name: 'shape', type: 'options', default: kit.shapes[0],
      options: kit.shapes.map((s) => ({ name: s, value: s })) },
];

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Gizmo = void 0;
const n8n_workflow_1 = require("n8n-workflow");

// preSend changing body, query and headers, awaiting credentials.
async function stampRequest(requestOptions) {
    const credentials = await this.getCredentials('gizmoApi');
    requestOptions.body = Object.assign({}, requestOptions.body, {
        stamp: this.getNodeParameter('stamp'),
        tags: this.getNodeParameter('options.tags', []),
    });
    requestOptions.qs.item = this.getItemIndex();
    requestOptions.qs.tz = this.getTimezone();
    requestOptions.headers['X-Region'] = credentials.region;
    return requestOptions;
}

// postReceive mapping items with the response and the node.
function mapCreated(items, response) {
    const input = this.getInputData();
    return items.map((item) => ({
        json: { id: item.json.id, status: response.statusCode, node: this.getNode().name, from: input.json.name, mode: this.getMode() },
    }));
}

function unwrapData(items, response) {
    return this.helpers.returnJsonArray(response.body.data);
}

// A cursor pagination through makeRoutingRequest.
async function followCursor(requestOptions) {
    const all = [];
    let cursor;
    do {
        if (cursor) requestOptions.options.qs.cursor = cursor;
        const page = await this.makeRoutingRequest(requestOptions);
        all.push(...page);
        cursor = page.length ? page[page.length - 1].json.next : undefined;
    } while (cursor);
    return all.map((i) => ({ json: { id: i.json.id } }));
}

// preSend with a resource locator, an authenticated side request and a timer.
async function lookupPath(requestOptions) {
    const id = this.getNodeParameter('thing', undefined, { extractValue: true });
    const meta = await this.helpers.httpRequestWithAuthentication.call(this, 'gizmoApi', {
        url: (await this.getCredentials('gizmoApi')).baseUrl + '/meta', json: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    requestOptions.url = '/things/' + id;
    requestOptions.qs.version = meta.version;
    return requestOptions;
}

// The request library's options through requestWithAuthentication: a
// uri, qs, and, for the "form" tag, a form noderun does not send.
async function legacyLookup(requestOptions) {
    const creds = await this.getCredentials('gizmoApi');
    const options = { uri: creds.baseUrl + '/meta', qs: { q: 1 }, json: true };
    if (this.getNodeParameter('tag', '') === 'form') options.form = { a: 1 };
    const meta = await this.helpers.requestWithAuthentication.call(this, 'gizmoApi', options);
    requestOptions.qs.version = meta.version;
    return requestOptions;
}

// Forgets to return the request options.
function forgetsOptions(requestOptions) {
    requestOptions.qs.forgotten = true;
}

function usesMissing(requestOptions) {
    this.getWorkflowStaticData('node');
    return requestOptions;
}

// The benchmark's pair: a preSend and a postReceive doing what
// declarative routing could do, so the two routes send the same request.
function tagQuery(requestOptions) {
    requestOptions.qs.tag = this.getNodeParameter('tag');
    return requestOptions;
}

function keepId(items) {
    return items.map((item) => ({ json: { id: item.json.id } }));
}

function spins(requestOptions) {
    for (;;) {}
}

// Stopped by the time limit inside an async function: goja leaves its
// frames behind, so the runtime must not serve another call.
async function spinsAsync(requestOptions) {
    for (;;) {}
}

async function waitsForever(requestOptions) {
    await new Promise(() => {});
    return requestOptions;
}

async function rejects() {
    throw new Error('the gizmo refuses');
}

// n8n's own error classes, thrown on purpose, as Gong's and PostBin's do.
async function refusesApi() {
    throw new n8n_workflow_1.NodeApiError(this.getNode(), { statusCode: 409 }, {
        message: 'The gizmo is busy', description: 'Try another gizmo',
    });
}
// An arraybuffer response made binary data, as Metabase's CSV result.
async function asFile(items, responseData) {
    const binary = await this.helpers.prepareBinaryData(responseData.body, 'exports/things.csv');
    return items.map((item) => ({ json: { bytes: responseData.body.length }, binary: { file: binary } }));
}
function refusesOperation() {
    throw new n8n_workflow_1.NodeOperationError(this.getNode(), 'The gizmo answer makes no sense', {
        description: 'Check the gizmo',
    });
}

class Gizmo {
    constructor() {
        this.description = {
            displayName: 'Gizmo', name: 'gizmo', group: ['transform'], version: 1,
            description: 'Gizmos', defaults: { name: 'Gizmo' }, inputs: ['main'], outputs: ['main'],
            credentials: [{ name: 'gizmoApi', required: true }],
            requestDefaults: { baseURL: '={{$credentials.baseUrl}}' },
            properties: [
                {
                    displayName: 'Operation', name: 'operation', type: 'options', noDataExpression: true, default: 'create',
                    options: [
                        { name: 'Create', value: 'create', routing: {
                            request: { method: 'POST', url: '/things', body: { name: '={{$json.name}}' } },
                            send: { preSend: [stampRequest] },
                            output: { postReceive: [mapCreated] },
                        } },
                        { name: 'Get Many', value: 'getAll', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { paginate: true },
                            operations: { pagination: followCursor },
                            output: { postReceive: [unwrapData] },
                        } },
                        { name: 'Get', value: 'get', routing: {
                            request: { method: 'GET', url: '/placeholder' },
                            send: { preSend: [lookupPath] },
                        } },
                        { name: 'Tagged', value: 'tagged', routing: {
                            request: { method: 'GET', url: '/ping' },
                            send: { preSend: [tagQuery] },
                            output: { postReceive: [keepId] },
                        } },
                        { name: 'Tagged Declaratively', value: 'taggedPlain', routing: {
                            request: { method: 'GET', url: '/ping', qs: { tag: '={{$parameter.tag}}' } },
                        } },
                        { name: 'Broken', value: 'broken', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [usesMissing] },
                        } },
                        { name: 'Spins', value: 'spins', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [spins] },
                        } },
                        { name: 'Legacy Lookup', value: 'legacyLookup', routing: {
                            request: { method: 'GET', url: '/things/abc9' },
                            send: { preSend: [legacyLookup] },
                        } },
                        { name: 'Forgets Options', value: 'forgetsOptions', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [forgetsOptions] },
                        } },
                        { name: 'Spins Async', value: 'spinsAsync', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [spinsAsync] },
                        } },
                        { name: 'Waits Forever', value: 'waitsForever', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [waitsForever] },
                        } },
                        { name: 'Rejects', value: 'rejects', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [rejects] },
                        } },
                        { name: 'Download', value: 'download', routing: {
                            request: { method: 'GET', url: '/export', encoding: 'arraybuffer' },
                            output: { postReceive: [asFile] },
                        } },
                        { name: 'Refuses API', value: 'refusesApi', routing: {
                            request: { method: 'GET', url: '/things' },
                            send: { preSend: [refusesApi] },
                        } },
                        { name: 'Refuses Operation', value: 'refusesOperation', routing: {
                            request: { method: 'GET', url: '/meta' },
                            output: { postReceive: [refusesOperation] },
                        } },
                    ],
                },
                { displayName: 'Tag', name: 'tag', type: 'string', default: 'blue', displayOptions: { show: { operation: ['tagged', 'taggedPlain', 'legacyLookup'] } } },
                { displayName: 'Stamp', name: 'stamp', type: 'string', default: '={{ "s-" + $json.name }}', displayOptions: { show: { operation: ['create'] } } },
                {
                    displayName: 'Thing', name: 'thing', type: 'resourceLocator', default: { mode: 'id', value: '' },
                    displayOptions: { show: { operation: ['get'] } },
                    modes: [
                        { displayName: 'ID', name: 'id', type: 'string' },
                        { displayName: 'URL', name: 'url', type: 'string', extractValue: { type: 'regex', regex: 'https://gizmos\\.example/things/([0-9a-z]+)' } },
                    ],
                },
                {
                    displayName: 'Options', name: 'options', type: 'collection', default: {}, displayOptions: { show: { operation: ['create'] } },
                    options: [{ displayName: 'Tags', name: 'tags', type: 'string', typeOptions: { multipleValues: true }, default: [] }],
                },
            ],
        };
    }
}
exports.Gizmo = Gizmo;

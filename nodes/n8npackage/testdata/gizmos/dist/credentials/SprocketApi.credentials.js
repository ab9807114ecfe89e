"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SprocketApi = void 0;
const crypto_1 = require("crypto");
// Code-based authentication: each request is signed over its method and URL.
class SprocketApi {
    constructor() {
        this.name = 'sprocketApi';
        this.displayName = 'Sprocket API';
        this.extends = ['sprocketBaseApi'];
        this.properties = [
            { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
            { displayName: 'Account', name: 'account', type: 'string', default: '' },
            { displayName: 'Key', name: 'key', type: 'string', typeOptions: { password: true }, default: '' },
        ];
        this.scheme = 'Sprocket';
    }
    async authenticate(credentials, requestOptions) {
        const signature = crypto_1.createHmac('sha256', credentials.key).update(requestOptions.method + ' ' + requestOptions.url).digest('hex');
        requestOptions.headers = Object.assign({}, requestOptions.headers, { Authorization: this.scheme + ' ' + signature });
        requestOptions.qs = Object.assign({}, requestOptions.qs, { acct: credentials.account, region: credentials.region });
        return requestOptions;
    }
}
exports.SprocketApi = SprocketApi;

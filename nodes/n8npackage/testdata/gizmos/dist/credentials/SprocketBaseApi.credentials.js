"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SprocketBaseApi = void 0;
// A base type sprocketApi extends: its properties are sprocketApi's too.
class SprocketBaseApi {
    constructor() {
        this.name = 'sprocketBaseApi';
        this.displayName = 'Sprocket Base API';
        this.properties = [
            { displayName: 'Region', name: 'region', type: 'hidden', default: 'eu-1' },
        ];
    }
}
exports.SprocketBaseApi = SprocketBaseApi;

/**
 * The script engine and request pipeline, without the Postman file format (postman.ts pulls in
 * the large postman-collection library and is imported on its own, lazily).
 */
export { runScript } from './engine.ts';
export { runRequest, type ConsoleLine, type OriginTestResult, type RequestRunResult, type RunError, type RunProgress, type ProgressItem, type RunRequestOptions, type ScriptOrigin, type Send } from './runner.ts';
export { runCollection, type CollectionRunResult, type CollectionRunSummary, type RunCollectionOptions } from './collection-runner.ts';
export { sendHttp, type SendOptions } from './http.ts';
export { absoluteUrl, resolveRequest, resolveScriptRequest, toScriptRequest } from './resolve.ts';
export { lookupVariable, replaceVariables } from './variables.ts';
export * from './types.ts';

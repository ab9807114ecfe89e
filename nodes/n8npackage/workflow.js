// noderun's own n8n-workflow module: the members n8n node packages use when
// they load (surveyed over n8n-nodes-base's declarative nodes and the
// n8n-openapi-node packages). Evaluated with the sandbox's built-ins `b`;
// returns the module's members. Members n8n-workflow has and this module
// does not are answered by the loader with functions that throw when used.
(function (b) {
  'use strict';
  const NodeConnectionTypes = Object.freeze({
    AiAgent: 'ai_agent', AiChain: 'ai_chain', AiDocument: 'ai_document', AiEmbedding: 'ai_embedding',
    AiLanguageModel: 'ai_languageModel', AiMemory: 'ai_memory', AiOutputParser: 'ai_outputParser',
    AiRetriever: 'ai_retriever', AiReranker: 'ai_reranker', AiTextSplitter: 'ai_textSplitter',
    AiTool: 'ai_tool', AiVectorStore: 'ai_vectorStore', Main: 'main',
  });

  // Errors: the fields n8n's error classes carry and RoutingNode reads.
  class BaseError extends Error {
    constructor(message, opts) {
      super(message);
      opts = opts || {};
      this.name = this.constructor.name;
      this.level = opts.level || 'error';
      this.shouldReport = opts.shouldReport !== undefined ? opts.shouldReport : this.level === 'error';
      this.description = opts.description;
      this.tags = opts.tags || {};
      this.extra = opts.extra;
      if (opts.cause !== undefined) this.cause = opts.cause;
    }
  }
  class ApplicationError extends BaseError {}
  class OperationalError extends BaseError {
    constructor(message, opts) { super(message, Object.assign({ level: 'warning' }, opts)); }
  }
  class UnexpectedError extends BaseError {}
  class UserError extends BaseError {
    constructor(message, opts) { super(message, Object.assign({ level: 'info' }, opts)); }
  }
  class WorkflowConfigurationError extends UserError {}
  class ExecutionBaseError extends ApplicationError {
    constructor(message, opts) {
      super(message, opts);
      opts = opts || {};
      this.context = {};
      this.errorResponse = opts.errorResponse;
      this.timestamp = Date.now();
      this.functionality = opts.functionality || 'regular';
    }
  }
  class NodeError extends ExecutionBaseError {
    constructor(node, error) {
      const isErr = error instanceof Error;
      super(isErr ? error.message : (error && error.message) || '', { cause: isErr ? error : undefined, errorResponse: isErr ? undefined : error });
      this.node = node;
      this.messages = [];
    }
  }
  class NodeOperationError extends NodeError {
    constructor(node, error, opts) {
      if (error instanceof NodeOperationError) return error;
      super(node, typeof error === 'string' ? new Error(error) : error);
      opts = opts || {};
      this.level = opts.level || 'warning';
      if (opts.message) this.message = opts.message;
      if (opts.description) this.description = opts.description;
      if (opts.itemIndex !== undefined) this.context.itemIndex = opts.itemIndex;
      if (opts.runIndex !== undefined) this.context.runIndex = opts.runIndex;
      this.type = opts.type;
    }
  }
  const statusMessages = {
    400: 'Bad request - please check your parameters',
    401: 'Authorization failed - please check your credentials',
    403: 'Forbidden - perhaps check your credentials?',
    404: 'The resource you are requesting could not be found',
    405: 'Method not allowed - please check you are using the right HTTP method',
    429: 'The service is receiving too many requests from you',
    500: 'The service was not able to process your request',
    502: 'Bad gateway - the service failed to handle your request',
    503: 'Service unavailable - try again later or consider setting this node to retry automatically (in the node settings)',
    504: 'Gateway timed out - perhaps try again later?',
  };
  class NodeApiError extends NodeError {
    constructor(node, errorResponse, opts) {
      super(node, errorResponse);
      opts = opts || {};
      const r = errorResponse || {};
      this.level = opts.level || 'warning';
      const code = opts.httpCode || r.httpCode || r.statusCode || r.status || (r.response && r.response.status);
      this.httpCode = code !== undefined && code !== null ? String(code) : null;
      const fallback = this.httpCode && statusMessages[this.httpCode];
      this.description = opts.description !== undefined ? opts.description : (r.message || null);
      this.message = opts.message || fallback || r.message || 'UNKNOWN ERROR - check the detailed error for more information';
      if (opts.itemIndex !== undefined) this.context.itemIndex = opts.itemIndex;
    }
  }
  class NodeSslError extends UserError {}
  class ExpressionError extends ExecutionBaseError {}

  function jsonParse(text, opts) {
    try {
      return JSON.parse(text);
    } catch (e) {
      if (opts && 'fallbackValue' in opts) return opts.fallbackValue;
      if (opts && opts.errorMessage) throw new ApplicationError(opts.errorMessage);
      throw e;
    }
  }
  function deepCopy(v, seen) {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return new Date(v.getTime());
    if (typeof v.toJSON === 'function' && !(v instanceof b.Buffer)) return v.toJSON();
    seen = seen || new WeakMap();
    if (seen.has(v)) return seen.get(v);
    const out = Array.isArray(v) ? [] : {};
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k], seen);
    return out;
  }
  // merge is lodash's merge as updateDisplayOptions uses it: objects and
  // arrays merge position by position, the source wins for the rest.
  function merge(target, source) {
    for (const k of Object.keys(source)) {
      const s = source[k], t = target[k];
      if (s && typeof s === 'object' && t && typeof t === 'object' && Array.isArray(s) === Array.isArray(t)) merge(t, s);
      else if (s && typeof s === 'object') target[k] = merge(Array.isArray(s) ? [] : {}, s);
      else if (s !== undefined) target[k] = s;
    }
    return target;
  }
  function updateDisplayOptions(displayOptions, properties) {
    return properties.map((p) => Object.assign({}, p, {
      displayOptions: merge(merge({}, p.displayOptions || {}), displayOptions),
    }));
  }
  function isResourceLocatorValue(v) {
    return typeof v === 'object' && v !== null && 'mode' in v && 'value' in v && '__rl' in v;
  }
  function randomInt(min, max) {
    if (max === undefined) { max = min; min = 0; }
    return b.crypto.randomInt(min, max);
  }
  function setSafeObjectProperty(target, key, value) {
    if (key === '__proto__' || key === 'prototype' || key === 'constructor') return;
    target[key] = value;
  }
  function tryToParseUrl(v) {
    try { return new b.URL(v).toString(); } catch (e) { throw new ApplicationError('The value "' + v + '" is not a valid URL.'); }
  }

  class VersionedNodeType {
    constructor(nodeVersions, description) {
      this.nodeVersions = nodeVersions;
      this.currentVersion = description.defaultVersion !== undefined ? description.defaultVersion : this.getLatestVersion();
      this.description = description;
    }
    getLatestVersion() { return Math.max.apply(null, Object.keys(this.nodeVersions).map(Number)); }
    getNodeType(version) {
      return version ? this.nodeVersions[version] : this.nodeVersions[this.currentVersion];
    }
  }

  return {
    NodeConnectionTypes, NodeConnectionType: NodeConnectionTypes,
    BaseError, ApplicationError, OperationalError, UnexpectedError, UserError, WorkflowConfigurationError,
    ExecutionBaseError, NodeError, NodeOperationError, NodeApiError, NodeSslError, ExpressionError,
    jsonParse, deepCopy, updateDisplayOptions, isResourceLocatorValue, randomInt, setSafeObjectProperty, tryToParseUrl,
    VersionedNodeType,
    BINARY_ENCODING: 'base64', BINARY_MODE_COMBINED: 'combined',
    FORM_NODE_TYPE: 'n8n-nodes-base.form', FORM_TRIGGER_NODE_TYPE: 'n8n-nodes-base.formTrigger',
    MYSQL_NODE_TYPE: 'n8n-nodes-base.mySql', POSTGRES_NODE_TYPE: 'n8n-nodes-base.postgres',
    SEND_AND_WAIT_OPERATION: 'sendAndWait', WAIT_NODE_TYPE: 'n8n-nodes-base.wait',
    WAIT_INDEFINITELY: new Date(Date.UTC(3000, 0, 1)),
  };
})

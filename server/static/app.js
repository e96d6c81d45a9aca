// Minimal overview page. In Electron it calls the service through the preload bridge
// (window.candlemark); in a browser it reads the token from the URL fragment (never sent to the
// server) and calls POST /api/call with it.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

async function call(command, args = {}) {
  let body;
  if (window.candlemark) {
    body = await window.candlemark.call(command, args);
  } else {
    const res = await fetch('/api/call', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ command, args }),
    });
    body = await res.json();
  }
  if (body.error) throw new Error(`${body.error.message}\n${(body.error.issues ?? []).map((i) => i.message).join('\n')}`);
  return body.result;
}

function row(cells, tag = 'td') {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement(tag);
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

async function load() {
  const info = await call('project.info');
  document.getElementById('project').textContent = info.path;
  const series = document.getElementById('series');
  series.replaceChildren(row(['series', 'bars', 'first', 'last'], 'th'), ...info.series.map((s) => row([s.id, s.barCount, new Date(s.firstTime).toISOString(), new Date(s.lastTime).toISOString()])));
  const c = info.counts;
  document.getElementById('counts').replaceChildren(
    ...[`${c.windows} windows`, `${c.labelledWindows} labelled`, `${c.unlabelledWindows} unlabelled`, `${c.windowsInConflict} in conflict`, `${c.labels} labels`, `${c.runs} training runs`].map((t) => {
      const li = document.createElement('li');
      li.textContent = t;
      return li;
    }),
  );
  const findings = await call('conflicts.list', { status: 'open' });
  document.getElementById('findings').replaceChildren(row(['kind', 'windows', 'bars', 'severity', 'what'], 'th'), ...findings.sort((a, b) => b.severity - a.severity).slice(0, 50).map((f) => row([f.kind, `${f.windowA}/${f.windowB}`, `${f.startIndex}-${f.endIndex}`, f.severity.toFixed(2), f.message])));
}

load().catch((e) => {
  const el = document.getElementById('error');
  el.hidden = false;
  el.textContent = e.message;
});

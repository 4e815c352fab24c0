"use strict";
// The console's one page: a tab per view, each refreshed from the JSON API (docs/console.md) every second.
const PAGES = ["overview", "devices", "charts", "alarms", "log", "config"];
let session = null;
let timer = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (k === "text") e.textContent = v;
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(path, opts) {
  const o = Object.assign({credentials: "same-origin", headers: {}}, opts || {});
  if (o.method && o.method !== "GET") {
    o.headers["Content-Type"] = "application/json";
    o.headers["X-Tidegate-Csrf"] = session ? session.csrf : "";
  }
  const r = await fetch(path, o);
  if (r.status === 401) {
    location.href = "/login?expired=1";
    throw new Error("session expired");
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok && !(o.method && o.method !== "GET")) throw new Error(body.error || r.status);
  return {status: r.status, body};
}

function fmtTime(ms) { return ms ? new Date(ms).toLocaleTimeString() : "never"; }
function fmtAge(ms) {
  if (!ms) return "0 s";
  const s = Math.round(ms / 1000);
  return s < 120 ? s + " s" : s < 7200 ? Math.round(s / 60) + " min" : Math.round(s / 3600) + " h";
}
function fmtValue(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
}
function kv(pairs) {
  const dl = el("dl", {class: "kv"});
  for (const [k, v] of pairs) dl.append(el("dt", {text: k}), el("dd", {text: v}));
  return dl;
}
function card(title, body, big) {
  const c = el("div", {class: "card"}, el("h4", {text: title}));
  if (big !== undefined) c.append(el("div", {class: "big", text: big}));
  if (body) c.append(body);
  return c;
}
function banner(text) {
  const b = document.getElementById("banner");
  b.textContent = text;
  b.hidden = !text;
  if (text) setTimeout(() => { if (b.textContent === text) b.hidden = true; }, 8000);
}

async function overview() {
  const s = (await api("/api/status")).body;
  const q = s.queue || {};
  const u = s.uplink || {};
  const p = s.pipeline || {};
  const box = document.getElementById("overview");
  box.replaceChildren(
    card("Gateway", kv([["id", s.gateway], ["version", s.version], ["uptime", fmtAge(s.uptimeMs)],
      ["SM3 fingerprint", s.fingerprint || "—"], ["configuration", s.configRevision || "—"]])),
    card("Broker", kv([["url", u.broker || "—"], ["reconnects", u.reconnects ?? "—"],
      ["last PUBACK", fmtTime(u.lastAckAt)], ["acknowledged", u.acknowledged ?? "—"],
      ["last error", u.lastError || "none"]]), u.connected ? "connected" : "disconnected"),
    card("Queue", kv([["oldest", fmtAge(q.oldestAgeMs)], ["bytes", q.bytes ?? "—"],
      ["appended", q.appended ?? "—"], ["delivered", q.delivered ?? "—"], ["evicted", q.evictedTotal ?? 0],
      ["disk full", q.diskFull ? "YES" : "no"]]), (q.messages ?? "—") + " queued"),
    card("Devices", kv((s.devices || []).map(d => [d.device, d.state + (d.alarms && d.alarms.length ? " · " + d.alarms.join(", ") : "")])),
      (s.devices || []).filter(d => d.state === "up").length + " / " + (s.devices || []).length + " up"),
    card("Pipeline", kv([["alarm transitions", p.alarms ?? "—"], ["telemetry messages", p.telemetryMessages ?? "—"],
      ["dropped", p.dropped ?? 0], ["actions", p.actions ?? 0], ["action failures", p.actionFailures ?? 0]])));
  box.querySelectorAll(".big")[1].className = "big " + (u.connected ? "state-up" : "state-down");
  box.querySelectorAll(".big")[1].setAttribute("data-broker", u.connected ? "connected" : "disconnected");
}

async function devices() {
  const list = (await api("/api/devices")).body;
  const box = document.getElementById("devices");
  box.replaceChildren(...list.map(d => {
    const rows = Object.entries(d.values).map(([ch, v]) =>
      el("tr", {"data-channel": ch}, el("td", {text: ch}), el("td", {class: "v", text: fmtValue(v.v)}),
        el("td", {text: v.u}), el("td", {text: v.q + (v.detail ? " (" + v.detail + ")" : "")}),
        el("td", {class: "muted", text: fmtTime(v.t)})));
    const actions = el("div", {class: "head"});
    for (const out of d.outputs) {
      actions.append(el("button", {class: "small", "data-output-test": d.device + "/" + out,
        text: "Test " + out + " (5 s)", onclick: () => outputTest(d.device, out)}));
    }
    actions.append(el("button", {class: "small secondary", "data-restart": d.device, text: "Restart connection",
      onclick: () => restart(d.device)}));
    return el("div", {class: "card device", "data-device": d.device, "data-state": d.state},
      el("div", {class: "head"}, el("strong", {text: d.device}),
        el("span", {class: "state-" + d.state, text: d.state}),
        el("span", {class: "muted", text: d.protocol + " · every " + d.pollIntervalMs + " ms · polls " + d.polls
          + " · failed " + d.failedPolls + " · last poll " + fmtTime(d.lastPollAt) + " (" + d.lastPollMs + " ms)"}),
        d.alarms.length ? el("span", {class: "raised", text: "alarms: " + d.alarms.join(", ")}) : ""),
      d.lastError ? el("div", {class: "error", text: "last error: " + d.lastError + " at " + fmtTime(d.lastErrorAt)}) : "",
      el("table", {class: "table values"}, ...rows), actions);
  }));
}

async function outputTest(device, channel) {
  const r = await api("/api/actions/output-test", {method: "POST", body: JSON.stringify({device, channel, seconds: 5})});
  banner(r.body.message || r.body.error || ("status " + r.status));
}

async function restart(device) {
  const r = await api("/api/actions/restart", {method: "POST", body: JSON.stringify({device})});
  banner(r.body.message || r.body.error || ("status " + r.status));
}

function drawChart(canvas, points) {
  const w = canvas.clientWidth || 360, h = canvas.clientHeight || 140;
  canvas.width = w; canvas.height = h;
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, w, h);
  g.strokeStyle = "#dde3ea"; g.strokeRect(0.5, 0.5, w - 1, h - 1);
  if (points.length === 0) return;
  let lo = Math.min(...points.map(p => p[1])), hi = Math.max(...points.map(p => p[1]));
  if (hi === lo) { hi += 1; lo -= 1; }
  const t1 = points[points.length - 1][0], t0 = Math.min(points[0][0], t1 - 60000);
  const x = t => 40 + (w - 48) * (t - t0) / Math.max(1, t1 - t0);
  const y = v => h - 16 - (h - 28) * (v - lo) / (hi - lo);
  g.fillStyle = "#6b7785"; g.font = "11px system-ui";
  g.fillText(fmtValue(hi), 2, 12); g.fillText(fmtValue(lo), 2, h - 16);
  g.fillText(new Date(t0).toLocaleTimeString(), 40, h - 2);
  const end = new Date(t1).toLocaleTimeString();
  g.fillText(end, w - 8 - g.measureText(end).width, h - 2);
  g.strokeStyle = "#0b6fb8"; g.lineWidth = 1.5; g.beginPath();
  points.forEach((p, i) => i ? g.lineTo(x(p[0]), y(p[1])) : g.moveTo(x(p[0]), y(p[1])));
  g.stroke();
}

async function charts() {
  const s = (await api("/api/series")).body;
  const box = document.getElementById("charts");
  for (const [key, points] of Object.entries(s.series)) {
    let c = box.querySelector('[data-series="' + CSS.escape(key) + '"]');
    if (!c) {
      c = el("canvas", {"data-series": key});
      box.append(el("div", {class: "card chart"}, el("h4", {text: key}), c, el("div", {class: "muted small"})));
    }
    c.setAttribute("data-points", String(points.length));
    const last = points.length ? points[points.length - 1][1] : null;
    c.parentElement.querySelector("div.small").textContent = points.length + " points · last " + fmtValue(last);
    drawChart(c, points);
  }
}

function alarmRow(a) {
  return el("tr", {"data-alarm": a.device + "/" + a.event, "data-state": a.state},
    el("td", {text: fmtTime(a.t)}), el("td", {text: a.device + "/" + a.channel}), el("td", {text: a.event}),
    el("td", {class: a.state, text: a.state}), el("td", {class: "sev-" + a.severity, text: a.severity}),
    el("td", {text: fmtValue(a.value)}));
}
function alarmHead() {
  return el("tr", {}, ...["time", "device/channel", "event", "state", "severity", "value"].map(t => el("th", {text: t})));
}

async function alarms() {
  const a = (await api("/api/alarms")).body;
  document.getElementById("alarms-open").replaceChildren(alarmHead(), ...a.open.map(alarmRow));
  document.getElementById("alarms-recent").replaceChildren(alarmHead(), ...a.recent.map(alarmRow));
}

async function log() {
  const l = (await api("/api/log?lines=200")).body;
  document.getElementById("log-file").textContent = "last " + l.lines.length + " of " + l.held + " lines kept in memory";
  const pre = document.getElementById("log");
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = l.lines.join("\n");
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

async function config() {
  const c = (await api("/api/config")).body;
  const box = document.getElementById("config-problems");
  const items = [...(c.errors || []).map(e => el("li", {class: "error", text: e})),
    ...(c.warnings || []).map(w => el("li", {class: "warning", text: w}))];
  box.replaceChildren(el("p", {"data-valid": String(c.valid), text: c.valid
      ? "The files in " + c.home + " are valid (revision " + c.revision + " in force)."
      : "The files in " + c.home + " have problems; the gateway keeps running revision " + c.revision + ":"}),
    el("ul", {class: "problems"}, ...items));
  document.getElementById("config").textContent = JSON.stringify({sections: c.sections, devices: c.devices}, null, 2);
}

const VIEWS = {overview, devices, charts, alarms, log, config};

function current() {
  const h = location.hash.replace("#", "");
  return PAGES.includes(h) ? h : "overview";
}

async function refresh() {
  const page = current();
  try {
    await VIEWS[page]();
    document.body.setAttribute("data-loaded", page);
  } catch (e) {
    if (String(e.message) !== "session expired") banner("refresh failed: " + e.message);
  }
}

function show() {
  const page = current();
  for (const p of PAGES) document.getElementById("page-" + p).hidden = p !== page;
  document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", a.dataset.page === page));
  document.body.removeAttribute("data-loaded");
  refresh();
}

async function start() {
  session = (await api("/api/session")).body;
  document.getElementById("gw").textContent = session.gateway;
  document.getElementById("user").textContent = "logged in as " + session.user;
  document.getElementById("logout").onclick = async () => {
    await api("/api/logout", {method: "POST"});
    location.href = "/login";
  };
  window.addEventListener("hashchange", show);
  show();
  timer = setInterval(refresh, 1000);
}

start();

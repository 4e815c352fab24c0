"use strict";
// The provisioning form of a gateway without identity (docs/console.md, "Provisioning form"): the fields of
// `tidegate provision`, checked again by the gateway with the same code; its refusals are shown as it words them.
let csrf = "";

async function init() {
  const s = await fetch("/api/session", {credentials: "same-origin"});
  if (s.status === 401) { location.href = "/login"; return; }
  const session = await s.json();
  csrf = session.csrf;
  document.getElementById("user").textContent = session.user;
  const f = await (await fetch("/api/provision", {credentials: "same-origin"})).json();
  document.getElementById("home").textContent = f.home;
  document.getElementById("run-as").textContent = f.runAs;
  document.getElementById("id").value = f.id || "";
  document.getElementById("broker").value = f.broker || "";
  document.getElementById("cloud-id").placeholder = f.defaultCloudId;
  document.body.dataset.loaded = "1";
}

document.getElementById("cloud-key-file").addEventListener("change", (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  if (file.size > 8192) { document.getElementById("message").textContent = "cloud key: that file is too large for one PEM public key"; return; }
  const r = new FileReader();
  r.onload = () => { document.getElementById("cloud-key").value = String(r.result); };
  r.readAsText(file);
});

document.getElementById("provision").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const msg = document.getElementById("message");
  msg.textContent = "";
  delete msg.dataset.status;
  const body = {
    id: document.getElementById("id").value.trim(),
    broker: document.getElementById("broker").value.trim(),
    cloudKey: document.getElementById("cloud-key").value,
    force: document.getElementById("force").checked
  };
  const cloudId = document.getElementById("cloud-id").value.trim();
  if (cloudId) body.cloudId = cloudId;
  document.getElementById("submit").disabled = true;
  try {
    const r = await fetch("/api/provision", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-Tidegate-Csrf": csrf}, body: JSON.stringify(body)
    });
    if (r.status === 401) { location.href = "/login?expired=1"; return; }
    const a = await r.json().catch(() => ({}));
    if (!r.ok) {
      msg.textContent = a.error || ("provisioning failed (" + r.status + ")");
      msg.dataset.status = String(r.status);
      return;
    }
    done(a);
  } catch (e) {
    msg.textContent = "the gateway does not answer: " + e;
  } finally {
    document.getElementById("submit").disabled = false;
  }
});

function done(a) {
  document.getElementById("provision").hidden = true;
  document.getElementById("result").hidden = false;
  document.getElementById("result-gateway").textContent = a.gateway;
  document.getElementById("fingerprint").textContent = a.fingerprint;
  document.getElementById("public-key").textContent = a.publicKey;
  document.getElementById("report").textContent = a.report.join("\n");
  const ul = document.getElementById("problems");
  for (const p of a.problems) { const li = document.createElement("li"); li.className = "error"; li.textContent = p; ul.append(li); }
  for (const p of a.warnings) { const li = document.createElement("li"); li.className = "warning"; li.textContent = p; ul.append(li); }
  document.getElementById("next").textContent = a.next;
  document.body.dataset.provisioned = a.starting ? "starting" : "stopped";
  if (a.starting) watch();
}

// The form's server stops; the gateway's own console takes the port over. Say when it answers.
function watch() {
  const state = document.getElementById("console-state");
  state.textContent = "The gateway is starting…";
  const t0 = Date.now();
  const tick = async () => {
    try {
      const r = await fetch("/api/provision", {credentials: "same-origin"});
      if (r.status === 401 || r.status === 404) {
        state.innerHTML = "";
        const link = document.createElement("a");
        link.href = "/login"; link.textContent = "The gateway is running: log in to its console";
        state.append(link);
        document.body.dataset.console = "up";
        return;
      }
    } catch (e) { /* not listening yet */ }
    if (Date.now() - t0 > 120000) { state.textContent = "The console has not come back in 2 minutes: see the gateway's log."; return; }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

init().catch((e) => { document.getElementById("message").textContent = "the gateway does not answer: " + e; });

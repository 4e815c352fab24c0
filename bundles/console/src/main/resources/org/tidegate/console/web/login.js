"use strict";
document.getElementById("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const msg = document.getElementById("message");
  msg.textContent = "";
  const password = document.getElementById("password").value;
  try {
    const r = await fetch("/api/login", {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({password}), credentials: "same-origin"
    });
    if (r.ok) {
      location.href = "/";
      return;
    }
    const body = await r.json().catch(() => ({}));
    msg.textContent = body.error || ("login failed (" + r.status + ")");
    msg.dataset.status = String(r.status);
  } catch (e) {
    msg.textContent = "the gateway does not answer: " + e;
  }
});

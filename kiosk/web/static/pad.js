/* The pad page, livelier: follows the wall (polls /pad/state, swaps in /pad?fragment=1),
   sends forms without a reload, counts characters and the time left. The page works
   without it: every form is a plain POST. No framework, no inline script (CSP).
   Words come from data- attributes the server wrote in the session's language. */
(function () {
  "use strict";
  var POLL_MS = 1500, TAP_GUARD_MS = 450;
  var view, msg, body = document.body;
  var pending = false, busy = false, misses = 0, lastTap = 0, loadedAt = 0, draft = "", msgTimer = 0;
  var blocked = false; // the page's CSP forbids fetch (no connect-src): be a plain page then

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function word(el, name, n) { return (el.getAttribute("data-" + name) || "").replace("{n}", String(n)); }

  function show(text, ok) {
    if (!msg) { return; }
    clearTimeout(msgTimer);
    msg.textContent = "";
    if (!text) { return; }
    var p = document.createElement("p");
    p.textContent = text;
    if (ok) { p.className = "ok"; msgTimer = setTimeout(function () { show(""); }, 4000); }
    msg.appendChild(p);
  }

  function lost(on) {
    var b = $(".banner.lost");
    if (on && !b) {
      b = document.createElement("p");
      b.className = "banner lost";
      b.textContent = body.getAttribute("data-lost") || "";
      view.parentNode.insertBefore(b, view.parentNode.firstChild);
    } else if (!on && b) { b.parentNode.removeChild(b); }
  }

  /* -- keeping what the person was doing across a swap -------------------------------- */
  function typing() {
    var a = document.activeElement;
    return a && view.contains(a) && (a.tagName === "TEXTAREA" || (a.tagName === "INPUT" && a.type === "text"));
  }

  function keep() {
    var saved = { areas: {}, open: {}, kind: null };
    $$("textarea[data-keep]", view).forEach(function (t) {
      if (t.value !== t.defaultValue) {
        saved.areas[t.getAttribute("data-keep")] = {
          value: t.value, focus: document.activeElement === t, a: t.selectionStart, b: t.selectionEnd };
      }
    });
    $$("details[data-keep]", view).forEach(function (d) { if (d.open) { saved.open[d.getAttribute("data-keep")] = 1; } });
    var k = $("input[name=kind]:checked", view);
    if (k) { saved.kind = k.value; }
    return saved;
  }

  function restore(saved) {
    $$("details[data-keep]", view).forEach(function (d) { if (saved.open[d.getAttribute("data-keep")]) { d.open = true; } });
    if (saved.kind !== null) {
      $$("input[name=kind]", view).forEach(function (r) { if (r.value === saved.kind) { r.checked = true; } });
    }
    var note = saved.areas.note ? saved.areas.note.value : "";
    if (note) { draft = note; }
    $$("textarea[data-keep]", view).forEach(function (t) {
      var s = saved.areas[t.getAttribute("data-keep")];
      if (!s && t.getAttribute("data-keep") === "note" && draft) { s = { value: draft, focus: false }; }
      if (!s) { return; }
      t.value = s.value;
      if (s.focus) {
        t.focus();
        try { t.setSelectionRange(s.a, s.b); } catch (e) { /* not every field has a selection */ }
      }
    });
    try { if (draft) { sessionStorage.setItem("pad-draft", draft); } } catch (e) { /* private mode */ }
    setup();
  }

  function swap(html, force) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var next = tpl.content.querySelector("#view");
    if (!next) { return; }
    if (!force && Date.now() - lastTap < TAP_GUARD_MS) {
      setTimeout(function () { swap(html, force); }, TAP_GUARD_MS);
      return;
    }
    // typing on the same step: wait until the field is left, so the keyboard stays up
    if (!force && typing() && next.getAttribute("data-step") === view.getAttribute("data-step")) {
      pending = true;
      return;
    }
    var saved = keep();
    view.parentNode.replaceChild(next, view);
    view = next;
    pending = false;
    restore(saved);
  }

  function refresh(force) {
    return fetch("/pad?fragment=1", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 403) { location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) { if (html) { swap(html, force); } }).catch(function () { /* the next poll tries again */ });
  }

  function poll() {
    if (document.hidden || busy || blocked) { return; }
    fetch("/pad/state", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 403) { location.reload(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (s) {
        if (!s) { return; }
        misses = 0;
        lost(false);
        if (String(s.serial) !== view.getAttribute("data-serial")) { refresh(false); }
      })
      .catch(function () { misses += 1; if (misses >= 3) { lost(true); } });
  }

  /* -- sending ------------------------------------------------------------------------- */
  function fields(form, submitter) {
    var data;
    try { data = new FormData(form, submitter || undefined); } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    }
    var out = new URLSearchParams();
    data.forEach(function (v, k) { out.append(k, v); });
    return out;
  }

  function send(form, submitter) {
    var buttons = $$("button", form), note = /\/pad\/note$/.test(form.getAttribute("action") || "");
    var bodyData = fields(form, submitter);
    buttons.forEach(function (b) { b.disabled = true; });
    form.classList.add("busy");
    busy = true;
    show(body.getAttribute("data-sending"));
    fetch(form.getAttribute("action"), {
      method: "POST", body: bodyData, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 403 && !/json/.test(r.headers.get("Content-Type") || "")) { location.reload(); return null; }
        return /json/.test(r.headers.get("Content-Type") || "") ? r.json() : { ok: false, message: "" };
      })
      .then(function (out) {
        if (!out) { return; }
        var box = form.parentNode;
        if (out.ok && box && box.tagName === "DETAILS") {
          box.open = false;
          $$("textarea", form).forEach(function (a) { a.defaultValue = a.value; });
        }
        if (out.ok && note) {
          var t = $("textarea[data-keep=note]", form);
          if (t) { t.value = ""; t.defaultValue = ""; }
          draft = "";
          try { sessionStorage.removeItem("pad-draft"); } catch (e) { /* private mode */ }
        }
        show(out.message || (out.ok ? (note ? body.getAttribute("data-sent") : "") : body.getAttribute("data-failed")), out.ok);
        return refresh(true);
      })
      .catch(function () {
        // a blocked fetch reports its CSP violation a moment later: then send as a plain form
        return new Promise(function (done) { setTimeout(done, 80); }).then(function () {
          if (!blocked) { show(body.getAttribute("data-failed"), false); }
        });
      })
      .then(function () {
        busy = false;
        if (document.contains(form)) {
          form.classList.remove("busy");
          buttons.forEach(function (b) { b.disabled = false; });
          if (blocked) {
            show("");
            if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
          }
        }
      });
  }

  /* -- counter and clock ---------------------------------------------------------------- */
  function count(t) {
    var c = t.form && $(".count", t.form);
    var most = parseInt(t.getAttribute("maxlength"), 10);
    if (!c || !most) { return; }
    var left = most - t.value.length;
    c.textContent = word(t, "left", left);
    c.classList.toggle("low", left <= 20);
  }

  function tick() {
    $$(".clock[data-ends-at]", view).forEach(function (c) {
      var ends = parseFloat(c.getAttribute("data-ends-at")), then = parseFloat(c.getAttribute("data-now"));
      var left = ends - (then + (performance.now() - loadedAt) / 1000);
      var text = left <= 0 ? word(c, "up", 0) : left < 60 ? word(c, "sec", Math.ceil(left)) : word(c, "min", Math.ceil(left / 60));
      if (c.textContent !== text) { c.textContent = text; }
      c.classList.toggle("over", left <= 0);
    });
  }

  function setup() {
    loadedAt = performance.now();
    $$("textarea[maxlength]", view).forEach(function (t) { if (t.value) { count(t); } });
    tick();
  }

  function start() {
    view = $("#view");
    msg = $("#msg");
    if (!view) { return; }
    try { draft = sessionStorage.getItem("pad-draft") || ""; } catch (e) { draft = ""; }
    var t = $("textarea[data-keep=note]", view);
    if (t && draft && !t.value) { t.value = draft; }
    setup();
    document.addEventListener("securitypolicyviolation", function (e) {
      if (/^(connect-src|default-src)/.test(e.effectiveDirective || e.violatedDirective || "")) { blocked = true; }
    });
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if (blocked || !view.contains(form)) { return; }
      e.preventDefault();
      send(form, e.submitter);
    });
    document.addEventListener("input", function (e) {
      if (e.target.tagName === "TEXTAREA") {
        count(e.target);
        if (e.target.getAttribute("data-keep") === "note") {
          draft = e.target.value;
          try { sessionStorage.setItem("pad-draft", draft); } catch (x) { /* private mode */ }
        }
      }
    });
    document.addEventListener("pointerdown", function () { lastTap = Date.now(); }, true);
    document.addEventListener("focusout", function () {
      setTimeout(function () { if (pending && !typing()) { refresh(false); } }, TAP_GUARD_MS);
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
    setInterval(poll, POLL_MS);
    setInterval(tick, 1000);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

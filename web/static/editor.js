// Segment editor: autosave per segment with optimistic concurrency, keyboard-first post-editing.
// Loaded only on the editor page; no inline script anywhere (strict CSP).
(() => {
  "use strict";
  const root = document.getElementById("editor");
  if (!root) return;
  const csrf = root.dataset.csrf;
  const msg = (name) => root.dataset["msg" + name[0].toUpperCase() + name.slice(1)] || name;
  const AUTOSAVE_MS = 700;
  const segments = () => Array.from(root.querySelectorAll("article.seg"));
  const areaOf = (seg) => seg.querySelector("textarea.target-text");

  // Per segment: the text last known to be on the server, a pending timer, time spent.
  const state = new Map();
  for (const seg of segments()) {
    const area = areaOf(seg);
    state.set(seg, { saved: area.value, timer: null, focusAt: null, spent: 0, busy: null });
  }

  function setStatus(seg, text, kind) {
    const label = seg.querySelector(".seg-status .state-label");
    if (label) label.textContent = text;
    seg.classList.toggle("seg-error", kind === "error");
  }

  function takeSpent(seg) {
    const s = state.get(seg);
    let spent = s.spent;
    if (s.focusAt !== null) {
      spent += Date.now() - s.focusAt;
      s.focusAt = Date.now();
    }
    s.spent = 0;
    return Math.round(spent);
  }

  // The server's counts for the whole edition (other people's saves included), in place.
  const formatNumber = new Intl.NumberFormat(document.documentElement.lang || undefined);
  function updateCounts(ready) {
    if (!ready) return;
    for (const [name, value] of Object.entries(ready)) {
      const counter = document.getElementById(name + "-count");
      if (counter && Number.isInteger(value)) counter.textContent = formatNumber.format(value);
    }
  }

  function showConflict(seg, error) {
    const box = seg.querySelector(".conflict");
    box.querySelector(".mine").textContent = error.yours || "";
    box.querySelector(".theirs").textContent = error.theirs || "";
    box.hidden = false;
    seg.dataset.version = String(error.version);
    seg.classList.add("seg-conflict");
    setStatus(seg, msg("conflict"), "conflict");
  }

  const labels = JSON.parse(root.dataset.labels || "{}");

  // Post-checks are re-run on every save: redraw them from the server's answer.
  function showChecks(seg, checks) {
    const list = seg.querySelector("ul.checks");
    if (!list) return;
    list.replaceChildren(...checks.map((check) => {
      const item = document.createElement("li");
      item.className = "check check-" + check.severity;
      const head = document.createElement("strong");
      head.textContent = (labels[check.severity] || check.severity) + " · " +
        (labels[check.code] || check.code);
      const detail = document.createElement("span");
      detail.className = "small";
      detail.lang = "en";
      detail.textContent = " " + (check.message || "");
      item.append(head, detail);
      return item;
    }));
  }

  function applyReply(seg, reply, confirmed) {
    const s = state.get(seg);
    seg.dataset.version = String(reply.version);
    s.saved = reply.text || "";
    seg.classList.remove("seg-conflict", "seg-machine", "seg-draft", "seg-pending",
      "seg-confirmed", "seg-source_changed");
    seg.classList.add("seg-" + reply.state);
    setStatus(seg, confirmed ? msg("confirmed") : msg("saved"), "ok");
    showChecks(seg, reply.checks || []);
    const distance = seg.querySelector(".distance");
    if (distance && reply.distance !== null && reply.distance !== undefined) {
      distance.textContent = Math.round(reply.distance * 100) + "%";
    }
    updateCounts(reply.ready);
  }

  // Send the segment's text; chains behind any save already in flight for the same segment.
  function send(seg, confirm) {
    const s = state.get(seg);
    const run = async () => {
      const area = areaOf(seg);
      const text = area.value;
      if (!confirm && text === s.saved) return true;
      setStatus(seg, msg("saving"), "busy");
      const url = confirm ? seg.dataset.confirmUrl : seg.dataset.saveUrl;
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json",
                     "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
          body: JSON.stringify({ text, version: Number(seg.dataset.version),
                                 time_ms: takeSpent(seg) }),
        });
      } catch (_err) {
        setStatus(seg, msg("error"), "error");
        return false;
      }
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        applyReply(seg, body, confirm);
        return true;
      }
      const error = body.error || {};
      if (response.status === 409 && error.code === "stale_version") {
        showConflict(seg, error);
      } else {
        setStatus(seg, error.message || msg("error"), "error");
      }
      return false;
    };
    s.busy = (s.busy || Promise.resolve()).then(run, run);
    return s.busy;
  }

  function scheduleSave(seg) {
    const s = state.get(seg);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => send(seg, false), AUTOSAVE_MS);
  }

  function fill(seg, text) {
    const area = areaOf(seg);
    if (area.readOnly) return;
    area.value = text;
    area.focus();
    scheduleSave(seg);
  }

  function move(seg, step) {
    const list = segments();
    const next = list[list.indexOf(seg) + step];
    if (next) {
      const area = areaOf(next);
      area.focus();
      area.scrollIntoView({ block: "center" });
    }
    return next;
  }

  // After a confirm, focus goes to the next segment still to confirm (else simply the next one).
  function focusAfter(seg) {
    const list = segments();
    const rest = list.slice(list.indexOf(seg) + 1);
    const next = rest.find((other) => !other.classList.contains("seg-confirmed")) || rest[0];
    if (!next) return;
    const area = areaOf(next);
    area.focus();
    area.scrollIntoView({ block: "center" });
  }

  async function confirmAndNext(seg) {
    const s = state.get(seg);
    clearTimeout(s.timer);
    const ok = await send(seg, true);
    if (ok) focusAfter(seg);
  }

  root.addEventListener("input", (event) => {
    const seg = event.target.closest("article.seg");
    if (seg && event.target.matches("textarea.target-text")) scheduleSave(seg);
  });

  root.addEventListener("focusin", (event) => {
    const seg = event.target.closest("article.seg");
    if (seg && event.target.matches("textarea.target-text")) {
      state.get(seg).focusAt = Date.now();
      seg.classList.add("seg-active");
    }
  });

  root.addEventListener("focusout", (event) => {
    const seg = event.target.closest("article.seg");
    if (!seg || !event.target.matches("textarea.target-text")) return;
    const s = state.get(seg);
    if (s.focusAt !== null) s.spent += Date.now() - s.focusAt;
    s.focusAt = null;
    seg.classList.remove("seg-active");
    if (areaOf(seg).value !== s.saved && !areaOf(seg).readOnly) {
      clearTimeout(s.timer);
      send(seg, false);
    }
  });

  // event.code, not event.key: shortcuts must work on Kazakh and Russian keyboard layouts too.
  root.addEventListener("keydown", (event) => {
    const seg = event.target.closest("article.seg");
    if (!seg || !event.target.matches("textarea.target-text")) return;
    const area = event.target;
    if (event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      if (!area.readOnly) confirmAndNext(seg);
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const actions = {
      ArrowDown: () => move(seg, 1),
      ArrowUp: () => move(seg, -1),
      KeyS: () => fill(seg, seg.querySelector(".source-text").textContent),
      KeyM: () => fill(seg, seg.querySelector(".machine-text").textContent),
      KeyT: () => {
        const best = seg.querySelector(".insert-memory");
        if (best) fill(seg, best.dataset.text);
      },
    };
    const action = actions[event.code];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  root.addEventListener("click", (event) => {
    const seg = event.target.closest("article.seg");
    if (!seg) return;
    if (event.target.matches(".confirm-seg")) {
      if (!areaOf(seg).readOnly) confirmAndNext(seg);
      return;
    }
    if (event.target.matches(".insert-memory")) fill(seg, event.target.dataset.text);
    if (event.target.matches(".keep-mine")) {
      seg.querySelector(".conflict").hidden = true;
      areaOf(seg).value = seg.querySelector(".conflict .mine").textContent;
      send(seg, false);
    }
    if (event.target.matches(".use-theirs")) {
      const theirs = seg.querySelector(".conflict .theirs").textContent;
      seg.querySelector(".conflict").hidden = true;
      areaOf(seg).value = theirs;
      state.get(seg).saved = theirs;
      seg.classList.remove("seg-conflict");
      setStatus(seg, msg("saved"), "ok");
    }
  });

  // Never leave with unsaved text: flush pending saves and warn if something is still unsent.
  window.addEventListener("beforeunload", (event) => {
    let dirty = false;
    for (const seg of segments()) {
      const area = areaOf(seg);
      if (!area.readOnly && area.value !== state.get(seg).saved) dirty = true;
    }
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  const first = segments().find((seg) => !seg.classList.contains("seg-confirmed"));
  if (first && !areaOf(first).readOnly) areaOf(first).focus();
})();

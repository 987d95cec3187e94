// Background saving for the audit form. Every change is kept in this browser (localStorage) until
// the server confirms it, so a closed tab or a lost connection loses nothing; failed saves are
// retried. Without this file the form still works with its "Save this section" button.
"use strict";
(() => {
  const form = document.getElementById("domain-form");
  if (!form || !form.dataset.autosave) return;
  const status = document.getElementById("save-status");
  const storageKey = form.dataset.storageKey;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const timers = new Map();
  const retries = new Map();
  const DEBOUNCE_MS = 800;

  const setStatus = (state) => {
    if (!status) return;
    status.dataset.state = state;
    status.textContent = status.dataset[state] || "";
  };

  const questionOf = (element) => element.closest("fieldset.question");
  const fieldsOf = (question) =>
    [...question.querySelectorAll("input[name], textarea[name], select[name]")]
      .filter((el) => !el.hasAttribute("form"));

  const snapshot = (question) => fieldsOf(question).map((el) => {
    if (el.type === "checkbox" || el.type === "radio") return [el.name, el.value, el.checked];
    return [el.name, el.value, null];
  });

  const restore = (question, pairs) => {
    const fields = fieldsOf(question);
    for (const [name, value, checked] of pairs) {
      for (const el of fields.filter((f) => f.name === name)) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === value) el.checked = checked;
        } else {
          el.value = value; // the revision too: the save must say which version it started from
        }
      }
    }
  };

  const storeKey = (code) => `${storageKey}:${code}`;
  const remember = (code, question) => {
    try { localStorage.setItem(storeKey(code), JSON.stringify(snapshot(question))); } catch (e) { /* storage full or off */ }
  };
  const forget = (code) => { try { localStorage.removeItem(storeKey(code)); } catch (e) { /* ignore */ } };
  const pending = () => {
    const found = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key && key.startsWith(`${storageKey}:`)) found.push(key.slice(storageKey.length + 1));
      }
    } catch (e) { /* storage off */ }
    return found;
  };

  const showList = (id, messages) => {
    const list = document.getElementById(id);
    if (!list) return;
    list.replaceChildren(...messages.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  };

  // Percentages as the server writes them (Babel): the page's language, one decimal.
  const percent = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1,
  });

  const applyStatuses = (statuses) => {
    for (const [code, info] of Object.entries(statuses || {})) {
      const question = document.getElementById(`q-${code}`);
      if (question) question.hidden = Boolean(info.skipped);
      const output = document.querySelector(`[data-computed="${code}"]`);
      if (output) output.textContent = info.value === null || info.value === undefined ? "—" : percent.format(Number(info.value) / 100);
    }
  };

  // The domain menu's answered counts, as the server counted them after the save.
  const applyProgress = (progress) => {
    for (const [domain, info] of Object.entries(progress || {})) {
      const item = document.querySelector(`.domain-nav li[data-domain="${domain}"]`);
      if (!item) continue;
      const bar = item.querySelector("progress");
      if (bar) {
        bar.max = info.total;
        bar.value = info.done;
        bar.setAttribute("aria-label", info.label);
      }
      const count = item.querySelector(".count");
      if (count) count.textContent = info.count;
    }
  };

  const describe = (input) => {
    if (Array.isArray(input)) return input.join(", ");
    if (input && typeof input === "object") {
      return Object.entries(input).map(([row, cells]) => `${row}: ${Object.values(cells).join(" / ")}`).join("; ");
    }
    return String(input ?? "");
  };

  async function save(code) {
    const question = document.getElementById(`q-${code}`);
    if (!question) return;
    const body = new FormData();
    body.append("csrf_token", csrf);
    for (const el of fieldsOf(question)) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
      body.append(el.name, el.value);
    }
    setStatus("saving");
    let response;
    try {
      response = await fetch(form.dataset.autosave.replace("CODE", encodeURIComponent(code)), {
        method: "POST", body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" },
      });
    } catch (error) {
      return retry(code);
    }
    if (response.redirected || response.status === 400 || response.status === 401) {
      // Signed out or the form's token expired: the edit stays in this browser; a reload (after
      // signing in again) restores it and sends it with a fresh token.
      setStatus("expired");
      return undefined;
    }
    if (response.status >= 500 || response.status === 429) return retry(code);
    let result = {};
    try { result = await response.json(); } catch (error) { return retry(code); }
    retries.delete(code);
    const revision = question.querySelector(`input[name="${code}__rev"]`);
    if (response.ok && result.saved) {
      if (revision) revision.value = String(result.revision);
      forget(code);
      showList(`${code}-errors`, []);
      showList(`${code}-warnings`, result.warnings || []);
      applyStatuses(result.statuses);
      applyProgress(result.progress);
      setStatus(pending().length ? "saving" : "saved");
    } else if (response.status === 409 && result.conflict) {
      if (revision) revision.value = String(result.conflict.revision);
      const who = result.conflict.by ? `${result.conflict.by}: ` : "";
      showList(`${code}-errors`, [...(result.problems || []), `${who}${describe(result.conflict.input)}`]);
      setStatus("conflict");
    } else {
      showList(`${code}-errors`, result.problems || []);
      setStatus("invalid");
    }
  }

  function retry(code) {
    const attempt = (retries.get(code) || 0) + 1;
    retries.set(code, attempt);
    setStatus("offline");
    const delay = Math.min(30000, 1000 * 2 ** Math.min(attempt, 5));
    clearTimeout(timers.get(code));
    timers.set(code, setTimeout(() => save(code), delay));
  }

  const schedule = (code) => {
    clearTimeout(timers.get(code));
    timers.set(code, setTimeout(() => save(code), DEBOUNCE_MS));
  };

  const updateTotals = (table) => {
    const cells = [...table.querySelectorAll("input.cell")];
    const number = (el) => (/^\s*\d+\s*$/.test(el.value) ? Number(el.value) : 0);
    const columns = {};
    let grand = 0;
    for (const row of table.querySelectorAll("tbody tr")) {
      let sum = 0;
      for (const el of row.querySelectorAll("input.cell")) {
        const value = number(el);
        sum += value;
        const column = el.dataset.column;
        columns[column] = (columns[column] || 0) + value;
      }
      const out = row.querySelector("[data-row-total]");
      if (out) out.textContent = String(sum);
      grand += sum;
    }
    for (const [column, value] of Object.entries(columns)) {
      const out = table.querySelector(`[data-column-total="${column}"]`);
      if (out) out.textContent = String(value);
    }
    const out = table.querySelector("[data-grand-total]");
    if (out && cells.length) out.textContent = String(grand);
  };

  const onEdit = (event) => {
    const question = questionOf(event.target);
    if (!question || event.target.hasAttribute("form")) return;
    const table = event.target.closest("table.sex-table");
    if (table) updateTotals(table);
    const code = question.dataset.code;
    remember(code, question);
    setStatus("saving");
    schedule(code);
  };

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  // A plain submit carries every field itself: drop the browser copies so they are not re-sent.
  form.addEventListener("submit", () => { for (const code of pending()) forget(code); });
  window.addEventListener("online", () => {
    for (const code of pending()) {
      clearTimeout(timers.get(code)); // the back-off timer would send the same edit again
      retries.delete(code);
      save(code);
    }
  });

  // Edits that never reached the server (tab closed, connection lost) come back and are sent.
  const restored = pending();
  for (const code of restored) {
    const question = document.getElementById(`q-${code}`);
    if (!question) continue;
    try { restore(question, JSON.parse(localStorage.getItem(storeKey(code)) || "[]")); } catch (e) { forget(code); continue; }
    const table = question.querySelector("table.sex-table");
    if (table) updateTotals(table);
    save(code);
  }
  if (restored.length) setStatus("restored");
})();

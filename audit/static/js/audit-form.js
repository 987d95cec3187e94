// Background saving for the audit form. Every change is kept in this browser (localStorage) until
// the server confirms it, so a closed tab or a lost connection loses nothing; failed saves are
// retried. Without this file the form still works with its "Save this section" button.
"use strict";
(() => {
  // Numbers read as the server reads them (audit/audits/values.py, _read_number and
  // _parse_cell): digits of any script (Arabic-Indic ٠–٩, Persian ۰–۹, Latin…), the same
  // grouping characters, decimal separators and minus signs, the same limits. A cell the server
  // would refuse counts as nothing in the live totals.
  const GROUPING = new Set([" ", "\u00a0", "\u202f", "\u2009", "\u066c"]);
  const DECIMAL_SEPARATORS = new Set([".", ",", "\u066b"]);
  const MINUS_SIGNS = new Set(["-", "\u2212"]);
  const MAX_NUMBER_CHARS = 64;
  const MAX_CELL = 10000000;
  // Python's whitespace (str.strip) is not quite JavaScript's trim(): U+001C–U+001F and U+0085
  // are spaces to Python, U+FEFF is not.
  const SPACES = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const LEADING_SPACE = new RegExp(`^[${SPACES}]+`);
  const PY_SPACE = new RegExp(`^[${SPACES}]+|[${SPACES}]+$`, "g");
  const DIGIT = /^\p{Nd}$/u;
  // Unicode's decimal digits come in runs of ten, zero first: a digit's value is its distance
  // from the start of its run (what Python's unicodedata.decimal gives).
  const digitValue = (char) => {
    if (!DIGIT.test(char)) return null;
    const point = char.codePointAt(0);
    let start = point;
    while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
    return (point - start) % 10;
  };

  const readNumber = (text) => {
    const chars = [...text];
    if (chars.length > MAX_NUMBER_CHARS) return null;
    const negative = MINUS_SIGNS.has(chars[0]);
    const body = negative ? [...chars.slice(1).join("").replace(LEADING_SPACE, "")] : chars;
    let whole = "";
    let fraction = "";
    let separator = false;
    let previousDigit = false;
    for (let index = 0; index < body.length; index += 1) {
      const char = body[index];
      const digit = digitValue(char);
      if (digit !== null) {
        if (separator) fraction += digit; else whole += digit;
        previousDigit = true;
        continue;
      }
      const nextDigit = index + 1 < body.length && digitValue(body[index + 1]) !== null;
      if (GROUPING.has(char) && !separator && previousDigit && nextDigit) {
        previousDigit = false;
        continue;
      }
      if (DECIMAL_SEPARATORS.has(char) && !separator && previousDigit && nextDigit) {
        separator = true;
        previousDigit = false;
        continue;
      }
      return null;
    }
    if (!whole) return null;
    const value = Number(separator ? `${whole}.${fraction}` : whole);
    return { value: negative ? -value : value, hasSeparator: separator };
  };

  // The value of one sex-table cell, or null where the server would refuse it.
  const readCell = (raw) => {
    const text = raw.replace(PY_SPACE, "");
    if (!text) return null;
    const number = readNumber(text);
    if (number === null || number.value < 0 || number.hasSeparator || number.value > MAX_CELL) return null;
    return number.value;
  };

  const form = document.getElementById("domain-form");
  if (!form || !form.dataset.autosave) return;
  const status = document.getElementById("save-status");
  const words = status ? status.dataset : {}; // translated by the page
  const storageKey = form.dataset.storageKey;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const timers = new Map();
  const retries = new Map();
  const conflicts = new Map(); // code → the newer version the server holds
  const saved = new Map(); // code → the fields as the server has them (for "discard")
  const DEBOUNCE_MS = 800;

  const fill = (template, params) =>
    String(template || "").replace(/%\((\w+)\)s/g, (whole, key) => (key in params ? params[key] : whole));

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

  // --- this browser's copies: {fields, refused?}; refused ones the server would not take -------
  const storeKey = (code) => `${storageKey}:${code}`;
  const readDraft = (code) => {
    try {
      const draft = JSON.parse(localStorage.getItem(storeKey(code)) || "null");
      if (Array.isArray(draft)) return { fields: draft }; // kept by an earlier version of this page
      if (draft && Array.isArray(draft.fields)) return draft;
    } catch (e) { /* unreadable: dropped below */ }
    return null;
  };
  const writeDraft = (code, draft) => {
    try { localStorage.setItem(storeKey(code), JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  };
  const remember = (code, question) => writeDraft(code, { fields: snapshot(question) });
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
  const sameFields = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const withRevision = (code, fields, revision) =>
    fields.map(([name, value, checked]) => (name === `${code}__rev` ? [name, String(revision), checked] : [name, value, checked]));

  const showList = (id, messages, lead) => {
    const list = document.getElementById(id);
    if (!list) return;
    list.replaceChildren(...messages.map((text) => {
      const item = document.createElement("li");
      if (lead) {
        const strong = document.createElement("strong");
        strong.textContent = lead;
        item.append(strong, " ");
      }
      item.append(text);
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

  // Broken rules: those that block submission are errors, the others say they only warn. Each
  // is shown at its own question, and at the saved one when its question is on another page
  // (RR1 tells about DA1's rule).
  const applyRules = (code, rules, warnings) => {
    const here = { blocking: [], warnings: [...warnings] };
    for (const [other, found] of Object.entries(rules || {})) {
      for (const kind of ["blocking", "warnings"]) {
        const messages = found[kind] || [];
        if (other === code) here[kind].push(...messages);
        else if (document.getElementById(`${other}-${kind}`)) showList(`${other}-${kind}`, messages, kind === "blocking" ? words.blocks : words.warning);
        else here[kind].push(...messages.map((text) => `${other}: ${text}`));
      }
    }
    showList(`${code}-blocking`, here.blocking, words.blocks);
    showList(`${code}-warnings`, here.warnings, words.warning);
  };

  const labelOf = (el) => ((el.closest("label") || {}).textContent || el.value).trim();

  // An answer in words: the chosen options' labels, the typed values ("—" when empty).
  const fieldsText = (question, code, pairs) => {
    const parts = [];
    for (const [name, value, checked] of pairs) {
      if (name === `${code}__rev`) continue;
      const el = fieldsOf(question).find((f) => f.name === name && (checked === null || f.value === value));
      if (!el || el.type === "hidden") continue;
      if (checked !== null) {
        if (checked) parts.push(labelOf(el));
      } else if (String(value).trim()) {
        parts.push(String(value).trim());
      }
    }
    return parts.join(", ") || "—";
  };

  const inputText = (question, code, conflict) => {
    if (conflict.not_applicable) {
      const na = question.querySelector(`input[name="${code}__na"]`);
      return [na ? labelOf(na) : "", conflict.reason].filter(Boolean).join(" — ");
    }
    const input = conflict.input;
    const option = (value) => {
      const el = fieldsOf(question).find((f) => f.name === code && f.value === value && (f.type === "radio" || f.type === "checkbox"));
      return el ? labelOf(el) : value;
    };
    if (Array.isArray(input)) return input.map(option).join(", ") || "—";
    if (input && typeof input === "object") {
      return Object.values(input).map((cells) => Object.values(cells).join(" / ")).join("; ");
    }
    return input ? option(String(input)) : "—";
  };

  // --- what a question says about its unsent copy: refused, or in conflict -------------------
  const showNotice = (question, kind, message, actions) => {
    let box = question.querySelector(".draft-notice");
    if (!box) {
      box = document.createElement("div");
      box.className = "draft-notice";
      box.setAttribute("role", "alert");
      const answer = question.querySelector(".answer");
      if (answer) answer.after(box); else question.append(box);
    }
    box.dataset.kind = kind;
    const text = document.createElement("p");
    text.textContent = message;
    const buttons = actions.map(([label, name, action]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button-small";
      button.dataset.action = name;
      button.textContent = label;
      button.addEventListener("click", action);
      return button;
    });
    box.replaceChildren(text, ...buttons);
  };
  const clearNotice = (question) => {
    const box = question.querySelector(".draft-notice");
    if (box) box.remove();
  };

  const updateTotals = (table) => {
    const cells = [...table.querySelectorAll("input.cell")];
    const number = (el) => readCell(el.value) ?? 0;
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
  const refreshTotals = (question) => {
    const table = question.querySelector("table.sex-table");
    if (table) updateTotals(table);
  };

  // The page's state once nothing is on its way: a refused or conflicting copy, a broken rule.
  const settle = () => {
    const drafts = pending()
      .filter((code) => document.getElementById(`q-${code}`)) // another page's copies wait there
      .map((code) => [code, readDraft(code)]);
    if (drafts.some(([code]) => conflicts.has(code))) return setStatus("conflict");
    if (drafts.some(([code, draft]) => !draft || !draft.refused)) return setStatus("saving");
    if (drafts.length) return setStatus("invalid");
    const broken = [...document.querySelectorAll("ul.rule-errors")].some((list) => list.children.length);
    return setStatus(broken ? "blocked" : "saved");
  };

  const showRefused = (code, question, draft) => {
    const message = fill(words.notSaved, {
      value: fieldsText(question, code, draft.fields), reason: (draft.refused || []).join(" "),
    });
    showNotice(question, "refused", message, [[words.discard, "discard", () => discard(code)]]);
  };

  // Drop a refused copy: the field shows the saved answer again.
  function discard(code) {
    const question = document.getElementById(`q-${code}`);
    clearTimeout(timers.get(code));
    forget(code);
    if (!question) return;
    if (saved.has(code)) restore(question, saved.get(code));
    clearNotice(question);
    showList(`${code}-errors`, []);
    refreshTotals(question);
    settle();
  }

  const showConflict = (code, question, result) => {
    const conflict = result.conflict;
    conflicts.set(code, conflict);
    const who = !conflict.yours && conflict.by ? `${conflict.by}: ` : "";
    const message = [
      ...(result.problems || []), fill(words.theirs, { value: `${who}${inputText(question, code, conflict)}` }),
    ].join(" ");
    showNotice(question, "conflict", message, [
      [words.keepMine, "keep-mine", () => keepMine(code)],
      [words.takeTheirs, "take-theirs", () => takeTheirs(code)],
    ]);
  };

  // "Keep mine": this version, saved on top of the newer revision.
  function keepMine(code) {
    const question = document.getElementById(`q-${code}`);
    const conflict = conflicts.get(code);
    if (!question || !conflict) return;
    conflicts.delete(code);
    const revision = question.querySelector(`input[name="${code}__rev"]`);
    if (revision) revision.value = String(conflict.revision);
    clearNotice(question);
    remember(code, question);
    save(code);
  }

  // "Take theirs": the newer version in the fields; this browser's copy is dropped.
  function takeTheirs(code) {
    const question = document.getElementById(`q-${code}`);
    const conflict = conflicts.get(code);
    if (!question || !conflict) return;
    conflicts.delete(code);
    const input = conflict.input;
    for (const el of fieldsOf(question)) {
      const name = el.name;
      if (name === `${code}__rev`) el.value = String(conflict.revision);
      else if (name === `${code}__na`) el.checked = Boolean(conflict.not_applicable);
      else if (name === `${code}__reason`) el.value = conflict.reason || "";
      else if (name === `${code}__currency`) el.value = conflict.currency || "";
      else if (name === code && (el.type === "radio" || el.type === "checkbox")) {
        el.checked = Array.isArray(input) ? input.includes(el.value) : el.value === input;
      } else if (name === code && el.type !== "hidden") el.value = typeof input === "string" ? input : "";
      else if (name.startsWith(`${code}-`) && input && typeof input === "object") {
        const [row, column] = name.slice(code.length + 1).split("-");
        el.value = (input[row] || {})[column] ?? "";
      }
    }
    clearTimeout(timers.get(code));
    forget(code);
    saved.set(code, snapshot(question));
    clearNotice(question);
    showList(`${code}-errors`, []);
    refreshTotals(question);
    settle();
  }

  const onSaved = (code, question, sent, result) => {
    const revision = question.querySelector(`input[name="${code}__rev"]`);
    if (revision) revision.value = String(result.revision);
    saved.set(code, withRevision(code, sent, result.revision));
    const draft = readDraft(code);
    // Typed on while the save was under way: that newer copy stays, on the new revision.
    if (!draft || sameFields(draft.fields, sent)) forget(code);
    else writeDraft(code, { fields: withRevision(code, draft.fields, result.revision) });
    clearNotice(question);
    showList(`${code}-errors`, []);
    applyRules(code, result.rules, result.warnings || []);
    applyStatuses(result.statuses);
    applyProgress(result.progress);
    settle();
  };

  // The server would not take it ("abc" in a count): kept here, marked refused, never sent again.
  const onRefused = (code, question, sent, result) => {
    const problems = result.problems || [];
    const draft = readDraft(code);
    if (!draft || sameFields(draft.fields, sent)) {
      const refused = { fields: sent, refused: problems };
      writeDraft(code, refused);
      showRefused(code, question, refused);
      showList(`${code}-errors`, []);
    } else {
      showList(`${code}-errors`, problems); // typed on since: the newer copy is on its way
    }
    setStatus("invalid");
  };

  async function save(code) {
    const question = document.getElementById(`q-${code}`);
    if (!question) return;
    const sent = snapshot(question);
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
    if (response.ok && result.saved) return onSaved(code, question, sent, result);
    if (response.status === 409 && result.conflict) {
      showList(`${code}-errors`, []);
      showConflict(code, question, result);
      return setStatus("conflict");
    }
    return onRefused(code, question, sent, result);
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

  const onEdit = (event) => {
    const question = questionOf(event.target);
    if (!question || event.target.hasAttribute("form")) return;
    const table = event.target.closest("table.sex-table");
    if (table) updateTotals(table);
    const code = question.dataset.code;
    if (conflicts.has(code)) return remember(code, question); // waits for "keep mine" or "take theirs"
    remember(code, question);
    setStatus("saving");
    schedule(code);
  };

  // The answers as the server has them, before any copy from this browser is put back.
  for (const question of form.querySelectorAll("fieldset.question")) {
    saved.set(question.dataset.code, snapshot(question));
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  // A plain submit carries every field itself: drop the browser copies so they are not re-sent.
  form.addEventListener("submit", () => { for (const code of pending()) forget(code); });
  window.addEventListener("online", () => {
    for (const code of pending()) {
      const draft = readDraft(code);
      if (draft && draft.refused) continue;
      clearTimeout(timers.get(code)); // the back-off timer would send the same edit again
      retries.delete(code);
      save(code);
    }
  });

  // Edits that never reached the server (tab closed, connection lost) come back and are sent;
  // a copy the server refused is only shown, next to the saved answer, with "discard".
  let restored = 0;
  for (const code of pending()) {
    const question = document.getElementById(`q-${code}`);
    if (!question) continue;
    const draft = readDraft(code);
    if (!draft) { forget(code); continue; }
    if (draft.refused) { showRefused(code, question, draft); continue; }
    restore(question, draft.fields);
    refreshTotals(question);
    restored += 1;
    save(code);
  }
  if (restored) setStatus("restored");
  else if (pending().some((code) => document.getElementById(`q-${code}`))) setStatus("invalid");
})();

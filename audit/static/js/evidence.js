// Evidence without a reload: "Add evidence", "Attach" and "Remove" send their question's form
// (form[data-evidence-form], see domain.html) with fetch() and put the evidence block the server
// renders (templates/audits/_evidence.html) in place of the old one, with the outcome next to
// the question. Without this script the same forms post normally, and the server sends the
// person back to the question's anchor with the outcome shown there.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const forms = document.querySelectorAll("form[data-evidence-form]");
  if (!forms.length) return;
  // A submission that must go the plain way (the server did not answer with a block).
  const plain = new WeakSet();

  const replaceBlocks = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    let first = null;
    for (const fresh of template.content.querySelectorAll("[data-evidence-block]")) {
      const old = document.getElementById(fresh.id);
      if (!old) continue;
      old.replaceWith(fresh);
      first = first || fresh;
    }
    return first;
  };

  const showFailure = (form, submitter) => {
    const block = (submitter && submitter.closest("[data-evidence-block]")) || null;
    if (!block) return;
    let box = block.querySelector("[data-evidence-outcome]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-evidence-outcome", "");
      block.querySelector("h2").after(box);
    }
    box.className = "evidence-outcome evidence-outcome-error";
    box.setAttribute("role", "alert");
    box.textContent = form.dataset.evidenceFailed;
  };

  const send = async (form, submitter) => {
    const action = (submitter && submitter.getAttribute("formaction")) || form.action;
    const body = new FormData(form, submitter);
    // Remove and Attach carry no files (as their plain form encoding would not either).
    if (submitter && submitter.hasAttribute("formaction")) body.delete("file");
    const block = submitter && submitter.closest("[data-evidence-block]");
    if (block) block.setAttribute("aria-busy", "true");
    if (submitter) submitter.disabled = true;
    try {
      const response = await fetch(action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: {
          "X-Requested-With": "fetch",
          "X-CSRFToken": form.querySelector("input[name=csrf_token]").value,
          Accept: "text/html",
        },
      });
      if (response.headers.get("X-Evidence-Fragment") !== "1") {
        // Not a block (signed out, refused, a file over the size limit): the plain way shows why.
        if (submitter) submitter.disabled = false;
        plain.add(form);
        form.requestSubmit(submitter || undefined);
        return;
      }
      const first = replaceBlocks(await response.text());
      const outcome = first && first.querySelector("[data-evidence-outcome]");
      if (outcome) outcome.focus({ preventScroll: false });
    } catch (error) {
      if (submitter) submitter.disabled = false;
      if (block) block.removeAttribute("aria-busy");
      showFailure(form, submitter);
    }
  };

  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      if (plain.has(form)) {
        plain.delete(form);
        return;
      }
      event.preventDefault();
      send(form, event.submitter);
    });
  }
});

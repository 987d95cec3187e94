// The export page: ask the server how the workbook is coming along every few seconds, move the
// progress bar and show the download link when it is ready. Without this script the page
// reloads itself (a <noscript> refresh) and works the same.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-export-status]");
  if (!box) return;
  const bar = document.getElementById("export-progress");
  const text = document.getElementById("export-status-text");
  const download = document.getElementById("export-download");
  let delay = 2000;
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.exportStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      bar.value = state.progress;
      if (text.textContent !== state.text) text.textContent = state.text;
      if (state.download) {
        download.querySelector("a").href = state.download;
        download.hidden = false;
      }
      if (state.finished) return;
      delay = 2000;
    } catch (error) {
      delay = Math.min(delay * 2, 30000); // a poor connection: try less often
    }
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
});

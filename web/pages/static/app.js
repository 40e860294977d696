// Atrium's own script: small, no inline code (the Content-Security-Policy allows none).
"use strict";
document.documentElement.classList.add("js");

// Ctrl+K (or Cmd+K) and "/" focus the global search from anywhere.
document.addEventListener("keydown", (event) => {
  const search = document.getElementById("global-search");
  if (!search) return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") ||
      (event.key === "/" && !typing)) {
    event.preventDefault();
    search.focus();
    search.select();
  }
  if (event.key === "Escape" && document.activeElement === search) {
    const results = document.getElementById("search-results");
    if (results) results.replaceChildren();
    search.blur();
  }
});

// Forms that ask once before a destructive action: <form data-confirm="...">.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
}, true);

// "Select all" checkboxes for bulk actions: <input type="checkbox" data-select-all="name">.
document.addEventListener("change", (event) => {
  const name = event.target.dataset && event.target.dataset.selectAll;
  if (!name) return;
  document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
});

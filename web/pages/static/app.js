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

// <select data-autosubmit>: choosing is enough (a button stays for pages without scripts).
document.addEventListener("change", (event) => {
  if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});

// The deal board: drag a card to another stage. The drop posts the same form a card's
// "Move" button posts, and the board comes back with its sums.
function initBoard() {
  const board = document.getElementById("board");
  if (!board || !window.Sortable || board.dataset.ready) return;
  board.dataset.ready = "1";
  board.querySelectorAll(".cards").forEach((column) => {
    window.Sortable.create(column, {
      group: "deals",
      animation: 150,
      draggable: ".deal-card",
      filter: "select, button, input",
      preventOnFilter: false,
      onEnd: (event) => {
        if (event.from === event.to) return;
        const card = event.item;
        const target = event.to;
        const values = {
          csrf_token: board.dataset.csrf,
          stage_id: target.dataset.stage,
          back: board.dataset.back,
        };
        if (target.dataset.kind === "lost") {
          const reason = window.prompt(board.dataset.lostQuestion || "Why was it lost?");
          if (!reason) {
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            return;
          }
          values.lost_reason = reason;
        }
        window.htmx.ajax("POST", board.dataset.moveUrl + card.dataset.deal + "/move", {
          target: "#board-area", select: "#board-area", swap: "outerHTML", values: values,
        });
      },
    });
  });
}
document.addEventListener("DOMContentLoaded", initBoard);
document.addEventListener("htmx:afterSettle", initBoard);

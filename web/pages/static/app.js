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

// Pickers (templates/_picker.html): type a few letters, the server suggests matches with their
// phone and e-mail; arrows move, Enter or a click chooses, Escape closes. Choosing fills the
// hidden id; typing again forgets it (the server then resolves the text, as without scripts).
function pickerParts(input) {
  const box = input.closest("[data-picker]");
  return {
    list: document.getElementById(input.getAttribute("aria-controls")),
    chosen: box.querySelector("input[type=hidden], select"),
  };
}

function closePicker(input) {
  const { list } = pickerParts(input);
  list.hidden = true;
  list.replaceChildren();
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function choosePicker(input, option) {
  const { chosen } = pickerParts(input);
  if (chosen.tagName === "SELECT") {
    const known = Array.from(chosen.options).find((o) => o.value === option.dataset.value);
    if (!known) chosen.add(new Option(option.dataset.label, option.dataset.value));
  }
  chosen.value = option.dataset.value;
  input.value = option.dataset.label;
  closePicker(input);
}

async function suggestPicker(input) {
  const { list } = pickerParts(input);
  const text = input.value.trim();
  if (!text) return closePicker(input);
  const answer = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(text)}`,
                             { credentials: "same-origin" });
  if (!answer.ok || input.value.trim() !== text) return;
  // Our own server's fragment, its values escaped by the template.
  list.innerHTML = await answer.text();
  list.querySelectorAll("[role=option]").forEach((option, index) => {
    option.id = `${list.id}-${index}`;
  });
  list.hidden = !list.children.length;
  input.setAttribute("aria-expanded", String(!list.hidden));
}

document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input[data-suggest]")) return;
  const { chosen } = pickerParts(input);
  chosen.value = "";
  clearTimeout(input.pickerTimer);
  input.pickerTimer = setTimeout(() => suggestPicker(input), 150);
});

document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (!input.matches || !input.matches("input[data-suggest]")) return;
  const { list } = pickerParts(input);
  const options = Array.from(list.querySelectorAll("[role=option]"));
  if (list.hidden || !options.length) return;
  let index = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    index = (index + step + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  } else if (event.key === "Enter" && index >= 0) {
    event.preventDefault();  // choosing, not sending the form
    choosePicker(input, options[index]);
  } else if (event.key === "Escape") {
    event.preventDefault();
    closePicker(input);
  }
});

document.addEventListener("mousedown", (event) => {
  const option = event.target.closest && event.target.closest(".picker-options [role=option]");
  if (!option) return;
  event.preventDefault();  // keep the focus in the field
  const input = document.querySelector(`input[aria-controls="${option.parentElement.id}"]`);
  choosePicker(input, option);
});

document.addEventListener("focusout", (event) => {
  const input = event.target;
  if (input.matches && input.matches("input[data-suggest]")) {
    setTimeout(() => closePicker(input), 100);
  }
});

/* The salon's booking widget for its own site, included with one tag:
     <script src="https://<atrium>/book/<workspace>/widget.js" async></script>
   (or /static/salon/widget.js with data-slug="<workspace>"). It adds a "Book online" button
   that opens the booking page in a frame over the site; Escape or the close button shuts it.
   Optional: data-label="…" for the button's text, data-location="<salon slug>". */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var source = new URL(script.src, window.location.href);
  var match = source.pathname.match(/^\/book\/([^/]+)\/widget\.js$/);
  var slug = script.getAttribute("data-slug") || (match && decodeURIComponent(match[1]));
  if (!slug) return;
  var russian = (document.documentElement.lang || navigator.language || "").slice(0, 2) === "ru";
  var label = script.getAttribute("data-label") || (russian ? "Записаться онлайн" : "Book online");
  var closeLabel = russian ? "Закрыть" : "Close";
  var page = source.origin + "/book/" + encodeURIComponent(slug) +
    (script.getAttribute("data-location") ? "/" + encodeURIComponent(script.getAttribute("data-location")) : "") +
    "?embed=1" + (russian ? "&lang=ru" : "");

  function styled(node, styles) {
    Object.keys(styles).forEach(function (key) { node.style[key] = styles[key]; });
    return node;
  }

  var button = styled(document.createElement("button"), {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000",
    padding: "12px 20px", border: "0", borderRadius: "24px", background: "#2456c7",
    color: "#fff", font: "600 16px system-ui, sans-serif", cursor: "pointer",
    boxShadow: "0 4px 14px rgba(0,0,0,.25)"
  });
  button.type = "button";
  button.textContent = label;

  var overlay = null;

  function close() {
    if (!overlay) return;
    overlay.remove();
    overlay = null;
    document.removeEventListener("keydown", onKey);
    button.focus();
  }

  function onKey(event) {
    if (event.key === "Escape") close();
  }

  function open() {
    if (overlay) return;
    overlay = styled(document.createElement("div"), {
      position: "fixed", inset: "0", zIndex: "2147483001", background: "rgba(0,0,0,.5)",
      display: "flex", alignItems: "center", justifyContent: "center"
    });
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", label);
    var frame = styled(document.createElement("iframe"), {
      width: "100%", maxWidth: "480px", height: "100%", maxHeight: "760px", border: "0",
      borderRadius: "12px", background: "#fff"
    });
    frame.src = page;
    frame.title = label;
    var shut = styled(document.createElement("button"), {
      position: "absolute", top: "8px", right: "8px", width: "40px", height: "40px",
      border: "0", borderRadius: "20px", background: "#fff", font: "700 20px sans-serif",
      cursor: "pointer"
    });
    shut.type = "button";
    shut.textContent = "×";
    shut.setAttribute("aria-label", closeLabel);
    shut.addEventListener("click", close);
    overlay.addEventListener("click", function (event) { if (event.target === overlay) close(); });
    overlay.appendChild(frame);
    overlay.appendChild(shut);
    document.body.appendChild(overlay);
    document.addEventListener("keydown", onKey);
    shut.focus();
  }

  button.addEventListener("click", open);
  function attach() { document.body.appendChild(button); }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();

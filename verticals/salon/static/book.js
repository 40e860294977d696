/* The salon's booking page as one screen: services, master, day and time, details, the SMS
   code, over /api/public/<workspace>/... . Without this script the page works step by step
   with plain forms; this only takes over from the first step. No inline code (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("booking");
  var textNode = document.getElementById("book-text");
  if (!root || root.dataset.step !== "services" || !textNode || !window.fetch) return;

  var T = JSON.parse(textNode.textContent);
  var api = root.dataset.api;
  var locationId = root.dataset.location;
  var locale = root.dataset.locale === "ru" ? "ru-RU" : "en-GB";
  // The API answers (its messages too) in the page's language, not the browser's.
  var language = root.dataset.locale === "ru" ? "ru" : "en";
  var zone = root.dataset.zone;
  var currency = root.dataset.currency || "RUB";
  var embed = root.dataset.embed === "1";
  // How the salon confirms the phone: "sms" (a code), "telegram" (its bot) or "none" (it calls).
  var confirmBy = root.dataset.confirmBy || "sms";
  var DAYS = 14;
  var state = { services: [], chosen: [], masterId: null, slots: [], day: null, slot: null };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "onclick") node.addEventListener("click", value);
      else if (key === "onsubmit") node.addEventListener("submit", value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function money(amount) {
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency: currency }).format(amount);
    } catch (e) {
      return amount + " " + currency;
    }
  }

  function dayLabel(iso) {
    var when = new Date(iso + "T12:00:00Z");
    return new Intl.DateTimeFormat(locale, {
      weekday: "short", day: "numeric", month: "short", timeZone: "UTC"
    }).format(when);
  }

  function today() {
    // The salon's date now, as YYYY-MM-DD (en-CA writes dates that way).
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  }

  function addDays(iso, count) {
    var when = new Date(iso + "T12:00:00Z");
    when.setUTCDate(when.getUTCDate() + count);
    return when.toISOString().slice(0, 10);
  }

  function request(path, options) {
    return fetch(api + path, options).then(function (answer) {
      return answer.json().catch(function () { return {}; }).then(function (body) {
        if (!answer.ok) {
          var error = new Error(body.detail || T.failed);
          error.field = body.field;
          throw error;
        }
        return body;
      });
    });
  }

  function get(path, params) {
    var query = new URLSearchParams(params);
    return request(path + "?" + query.toString(), {
      headers: { Accept: "application/json", "Accept-Language": language }
    });
  }

  function post(path, body) {
    return request(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json", Accept: "application/json", "Accept-Language": language
      },
      body: JSON.stringify(body)
    });
  }

  function show(title, nodes, back) {
    var heading = el("h2", { tabindex: "-1", text: title });
    var card = el("section", { "class": "card" }, [heading].concat(nodes));
    var parts = [];
    if (back) parts.push(el("button", { type: "button", "class": "link book-back", text: "← " + T.back, onclick: back }));
    parts.push(card);
    root.replaceChildren.apply(root, parts);
    heading.focus();
  }

  function alertBox() {
    return el("div", { "class": "form-error", role: "alert", hidden: true });
  }

  function fail(box, error) {
    box.textContent = error.message || T.failed;
    box.hidden = false;
  }

  function busy(on) {
    root.classList.toggle("book-busy", on);
    root.setAttribute("aria-busy", on ? "true" : "false");
  }

  function serviceParams(extra) {
    var params = [["location_id", locationId]];
    state.chosen.forEach(function (id) { params.push(["service_id", id]); });
    return params.concat(extra || []);
  }

  // 1. Services

  function showServices() {
    var box = alertBox();
    var boxes = state.services.map(function (service) {
      var input = el("input", { type: "checkbox", value: service.id });
      input.checked = state.chosen.indexOf(service.id) >= 0;
      return el("label", { "class": "book-option" }, [
        input,
        el("span", {}, [
          el("strong", { text: service.name }),
          el("span", { "class": "muted", text: service.duration_minutes + " " + T.minutes + " · " + money(service.price) })
        ])
      ]);
    });
    var next = el("button", { type: "button", text: T.next, onclick: function () {
      state.chosen = boxes.map(function (label) { return label.querySelector("input"); })
        .filter(function (input) { return input.checked; })
        .map(function (input) { return input.value; });
      if (!state.chosen.length) return fail(box, { message: T.choose_one });
      showMasters();
    } });
    show(T.services, [box, el("fieldset", {}, boxes), el("div", { "class": "actions" }, [next])]);
  }

  // 2. Master

  function showMasters() {
    busy(true);
    get("/masters", serviceParams()).then(function (answer) {
      busy(false);
      if (!answer.items.length) return show(T.master, [el("p", { text: T.no_masters })], showServices);
      var options = [{ id: "", name: T.any, position: "" }].concat(answer.items);
      var radios = options.map(function (master, index) {
        var input = el("input", { type: "radio", name: "master", value: master.id });
        input.checked = (state.masterId || "") === master.id || (index === 0 && !state.masterId);
        return el("label", { "class": "book-option" }, [
          input,
          el("span", {}, [el("strong", { text: master.name }),
            master.position ? el("span", { "class": "muted", text: master.position }) : null])
        ]);
      });
      var next = el("button", { type: "button", text: T.next, onclick: function () {
        var picked = root.querySelector("input[name=master]:checked");
        state.masterId = picked && picked.value ? picked.value : null;
        state.day = null;
        showDays();
      } });
      show(T.master, [el("fieldset", {}, radios), el("div", { "class": "actions" }, [next])], showServices);
    }).catch(function (error) { busy(false); showError(error, showServices); });
  }

  function showError(error, back) {
    var box = alertBox();
    fail(box, error);
    show(T.failed, [box], back);
  }

  // 3. Day and time

  function showDays() {
    var first = today();
    var extra = [["date_from", first], ["date_to", addDays(first, DAYS - 1)]];
    if (state.masterId) extra.push(["master_id", state.masterId]);
    busy(true);
    get("/slots", serviceParams(extra)).then(function (answer) {
      busy(false);
      state.slots = answer.items;
      renderDays(first);
    }).catch(function (error) { busy(false); showError(error, showMasters); });
  }

  function renderDays(first) {
    var byDay = {};
    state.slots.forEach(function (slot) { (byDay[slot.date] = byDay[slot.date] || []).push(slot); });
    var times = el("div", { "class": "book-times", "aria-live": "polite" });
    var dayButtons = [];
    for (var n = 0; n < DAYS; n++) {
      (function (iso) {
        var button = el("button", {
          type: "button", "class": "secondary", text: dayLabel(iso),
          disabled: !byDay[iso], "aria-pressed": state.day === iso ? "true" : "false",
          onclick: function () {
            state.day = iso;
            dayButtons.forEach(function (other) { other.setAttribute("aria-pressed", "false"); });
            button.setAttribute("aria-pressed", "true");
            fillTimes(times, byDay[iso]);
          }
        });
        dayButtons.push(button);
      })(addDays(first, n));
    }
    var nodes = [el("div", { "class": "book-days" }, dayButtons)];
    if (!state.slots.length) nodes.push(el("p", { text: T.no_time }));
    nodes.push(el("h3", { text: T.time }), times);
    show(T.day, nodes, showMasters);
    if (state.day && byDay[state.day]) fillTimes(times, byDay[state.day]);
  }

  function fillTimes(box, slots) {
    box.replaceChildren.apply(box, slots.map(function (slot) {
      return el("button", { type: "button", "class": "secondary", text: slot.time, onclick: function () {
        state.slot = slot;
        showDetails();
      } });
    }));
    if (box.firstChild) box.firstChild.focus();
  }

  // 4. Details, then the code

  function field(name, label, type, required, autocomplete, hint) {
    return [
      el("label", { "for": "book-" + name }, [label, required ? el("span", { "class": "req", "aria-hidden": "true", text: " *" }) : null]),
      el("input", { id: "book-" + name, name: name, type: type, required: required, "aria-required": required ? "true" : null, autocomplete: autocomplete }),
      hint ? el("div", { "class": "muted", text: hint }) : null
    ];
  }

  function showDetails() {
    var box = alertBox();
    var consent = el("input", { type: "checkbox", name: "consent", value: "1" });
    var form = el("form", { novalidate: true }, [].concat(
      [box, el("p", { "class": "muted", text: dayLabel(state.slot.date) + ", " + state.slot.time })],
      field("first_name", T.first_name, "text", true, "given-name"),
      field("last_name", T.last_name, "text", false, "family-name"),
      field("phone", T.phone, "tel", true, "tel", T["phone_hint_" + confirmBy]),
      field("email", T.email, "email", false, "email"),
      [el("label", { "class": "book-check" }, [consent, el("span", { text: T.consent })]),
       el("div", { "class": "actions" }, [el("button", { type: "submit", text: T["submit_" + confirmBy] })])]
    ));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = function (name) { return form.elements[name].value; };
      busy(true);
      post("/bookings", {
        location_id: locationId, service_ids: state.chosen, master_id: state.masterId,
        start: state.slot.start, first_name: value("first_name"), last_name: value("last_name"),
        phone: value("phone"), email: value("email"), consent: consent.checked,
        locale: root.dataset.locale
      }).then(function (answer) {
        if (answer.visit) return goToVisit(answer.visit);  // booked: the salon calls to confirm
        busy(false);
        if (answer.confirm_by === "telegram") return showTelegram(answer);
        showCode(answer.request_id);
      }).catch(function (error) {
        busy(false);
        fail(box, error);
        if (error.field && form.elements[error.field]) form.elements[error.field].focus();
      });
    });
    show(T.details, [form], function () { renderDays(today()); });
  }

  function goToVisit(visit, told) {
    var token = visit.manage_url.split("/").pop();
    window.location.assign(root.dataset.visitBase + token + "?booked=" + (told || "1") + (embed ? "&embed=1" : ""));
  }

  function showTelegram(answer) {
    var box = alertBox();
    var open = el("a", { "class": "button", href: answer.telegram_url, target: "_blank", rel: "noopener", text: T.open_telegram });
    var done = el("button", { type: "button", text: T.finish, onclick: function () {
      busy(true);
      post("/bookings/" + answer.request_id + "/finish", {}).then(function (visit) {
        goToVisit(visit, "telegram");
      }).catch(function (error) {
        busy(false);
        fail(box, error);
      });
    } });
    show(T.telegram_title, [el("p", { text: T.telegram_steps }), box, el("p", {}, [open]),
      el("div", { "class": "actions" }, [done])], showDetails);
  }

  function showCode(requestId) {
    var box = alertBox();
    var input = el("input", { id: "book-code", name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", required: true });
    var form = el("form", { novalidate: true }, [
      el("p", { text: T.code_sent }),
      root.dataset.smsKept === "1" ? el("p", { "class": "muted", text: T.code_kept }) : null, box,
      el("label", { "for": "book-code", text: T.code }), input,
      el("div", { "class": "actions" }, [el("button", { type: "submit", text: T.confirm })])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(true);
      post("/bookings/" + requestId + "/confirm", { code: input.value }).then(function (visit) {
        goToVisit(visit);
      }).catch(function (error) {
        busy(false);
        fail(box, error);
        input.focus();
      });
    });
    show(T.code_title, [form], showDetails);
  }

  busy(true);
  get("/services", [["location_id", locationId]]).then(function (answer) {
    busy(false);
    state.services = answer.items;
    if (state.services.length) showServices();
  }).catch(function () { busy(false); /* the server's own form stays */ });
})();

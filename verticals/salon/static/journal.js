"use strict";
// The booking journal drawn by EventCalendar over the same day the server renders as a table:
// a click on free time opens the booking form, a click on a visit its card, and dragging a
// visit posts the card's move form (asking for JSON); a refusal puts it back and says why.
(function () {
  function wall(date) {
    // The calendar runs in UTC with the salon's wall-clock times: read them back as such.
    const pad = (n) => String(n).padStart(2, "0");
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" +
      pad(date.getUTCDate()) + "T" + pad(date.getUTCHours()) + ":" + pad(date.getUTCMinutes());
  }

  function say(box, text) {
    const other = box.id === "journal-error" ? "journal-notice" : "journal-error";
    const hide = document.getElementById(other);
    if (hide) hide.hidden = true;
    box.textContent = text;
    box.hidden = false;
  }

  function visitContent(arg) {
    if (arg.event.display === "background") return "";  // greyed time needs no words
    const props = arg.event.extendedProps || {};
    const box = document.createElement("div");
    box.className = "ec-visit";
    const time = document.createElement("span");
    time.className = "visit-time";
    time.textContent = arg.timeText;
    const name = document.createElement("strong");
    name.textContent = arg.event.title;
    const services = document.createElement("span");
    services.className = "visit-services";
    services.textContent = props.services || "";
    const status = document.createElement("span");
    status.className = "visit-status";
    status.textContent = props.status || "";
    box.append(time, status, name, services);  // the status before what may not fit
    return { domNodes: [box] };
  }

  async function move(data, info) {
    const notice = document.getElementById("journal-notice");
    const error = document.getElementById("journal-error");
    const body = new URLSearchParams();
    body.set("csrf_token", data.csrf);
    body.set("start", wall(info.event.start));
    const resource = info.newResource || (info.event.resourceIds || [])[0];
    const masterId = data.master || (resource && (resource.id || resource));
    if (masterId) body.set("master_id", masterId);
    say(notice, data.texts.moving);
    try {
      const answer = await fetch(data.moveUrl + info.event.id + "/move", {
        method: "POST",
        headers: { "Accept": "application/json", "X-CSRF-Token": data.csrf },
        body: body,
        credentials: "same-origin",
      });
      const reply = await answer.json().catch(() => ({}));
      if (!answer.ok || !reply.ok) {
        info.revert();
        say(error, reply.error || answer.statusText);
        return;
      }
      say(notice, reply.notice || data.texts.moved);
    } catch (failure) {
      info.revert();
      say(error, String(failure));
    }
  }

  function init() {
    const host = document.getElementById("journal-calendar");
    if (!host || host.dataset.ready || !window.EventCalendar) return;
    host.dataset.ready = "1";
    const data = JSON.parse(host.dataset.calendar);
    const table = document.getElementById("journal-table");
    const columns = Math.max(data.resources.length, data.view === "timeGridWeek" ? 7 : 1);
    // Wide enough to read every column; narrower screens scroll sideways.
    host.style.minWidth = Math.min(columns * 140 + 60, 4000) + "px";
    window.EventCalendar.create(host, {
      view: data.view,
      date: data.date,
      timeZone: "UTC",
      locale: data.locale,
      firstDay: 1,
      headerToolbar: { start: "", center: "", end: "" },
      allDaySlot: false,
      height: "auto",
      nowIndicator: false,
      slotDuration: data.slotDuration,
      slotMinTime: data.slotMinTime,
      slotMaxTime: data.slotMaxTime,
      scrollTime: data.slotMinTime,
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
      resources: data.resources,
      events: data.events,
      editable: false,
      eventStartEditable: true,
      eventDurationEditable: false,
      selectable: false,
      eventContent: visitContent,
      eventClick: (info) => {
        if (info.event.extendedProps && info.event.extendedProps.url) {
          window.location.assign(info.event.extendedProps.url);
        }
      },
      dateClick: (info) => {
        const resource = info.resource ? info.resource.id : data.master;
        let url = data.newUrl + "&start=" + encodeURIComponent(wall(info.date));
        if (resource) url += "&master_id=" + encodeURIComponent(resource);
        window.location.assign(url);
      },
      eventDrop: (info) => move(data, info),
    });
    host.classList.add("ready");
    if (table) table.hidden = true;
  }

  document.addEventListener("DOMContentLoaded", init);
})();

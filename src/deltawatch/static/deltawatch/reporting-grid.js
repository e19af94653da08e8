/* 统计填报 entry grid (reporting/entry_form.html): keyboard moves, a draft saved as each cell is
   left, a block pasted from Excel saved all-or-nothing, the validation report refreshed.
   Without this file the grid is a plain form whose "保存全部" button saves every cell.
   No inline script or style (Content-Security-Policy): state is carried by classes. */
(function () {
  "use strict";

  function post(url, form, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () {
          return {ok: false, message: "HTTP " + response.status};
        });
      })
      .catch(function () { return {ok: false, message: form.dataset.msgNetwork}; });
  }

  function cellOf(form, code) {
    return form.querySelector("td.entry-cell[data-code='" + code + "']");
  }

  function show(cell, message, kind) {
    if (!cell) { return; }
    var msg = cell.querySelector(".cell-msg");
    if (msg) { msg.textContent = message || ""; }
    cell.classList.toggle("has-error", kind === "error");
    cell.classList.toggle("has-note", kind === "note" && !!message);
    var input = cell.querySelector(".cell-input");
    if (input) {
      if (kind === "error") { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
  }

  function applyCell(form, data) {
    var cell = cellOf(form, data.code);
    if (!cell) { return; }
    var input = cell.querySelector(".cell-input");
    if (input && data.plain !== undefined) {
      input.value = data.plain;
      input.dataset.plain = data.plain;
    }
    var badge = cell.querySelector(".cell-status");
    if (data.status) {
      if (!badge) {
        badge = document.createElement("span");
        cell.querySelector(".cell-meta").prepend(badge);
      }
      badge.className = "cell-status badge status-" + data.status;
      badge.textContent = data.status_label + (data.status === "approved" ? "" : " · " + form.dataset.msgUnapproved);
      ["draft", "submitted", "approved"].forEach(function (s) { cell.classList.toggle("status-" + s, s === data.status); });
    }
  }

  function refreshReport(form) {
    var url = form.dataset.reportUrl;
    var target = document.getElementById("form-report");
    if (!url || !target || typeof htmx === "undefined") { return; }
    htmx.ajax("GET", url, {target: "#form-report", swap: "innerHTML"});
  }

  function saveCell(form, input) {
    var cell = input.closest("td");
    cell.classList.add("saving");
    return post(form.dataset.cellUrl, form, {code: input.dataset.code, text: input.value}).then(function (data) {
      cell.classList.remove("saving");
      if (data.ok) {
        if (!data.unchanged) { applyCell(form, data); }
        show(cell, data.message || "", data.message ? "note" : "");
        if (data.written) { refreshReport(form); }
      } else {
        show(cell, data.message, "error");   // the typed text stays in the input
      }
    });
  }

  function saveNote(form, input) {
    return post(form.dataset.noteUrl, form, {code: input.dataset.code, note: input.value}).then(function (data) {
      var cell = cellOf(form, input.dataset.code);
      show(cell, data.message, data.ok ? "note" : "error");
    });
  }

  function pasteBlock(form, input, text) {
    var report = document.getElementById("paste-report");
    report.className = "paste-report busy";
    report.textContent = "…";
    return post(form.dataset.pasteUrl, form, {start: input.dataset.code, text: text}).then(function (data) {
      report.textContent = "";
      report.className = "paste-report " + (data.ok ? "ok" : "error");
      var head = document.createElement("p");
      head.textContent = data.message || "";
      report.appendChild(head);
      (data.notes || []).forEach(function (note) {
        var p = document.createElement("p");
        p.className = "hint";
        p.textContent = note;
        report.appendChild(p);
      });
      if (data.ok) {
        (data.cells || []).forEach(function (c) { applyCell(form, c); show(cellOf(form, c.code), "", ""); });
        refreshReport(form);
        return;
      }
      var list = document.createElement("ul");
      (data.errors || []).forEach(function (e) {
        var li = document.createElement("li");
        li.textContent = form.dataset.msgAt.replace("{row}", e.row).replace("{column}", e.column) +
          " “" + e.text + "”：" + e.message;
        list.appendChild(li);
        if (e.code) { show(cellOf(form, e.code), form.dataset.msgPasted + "：“" + e.text + "” " + e.message, "error"); }
      });
      report.appendChild(list);
    });
  }

  function move(inputs, from, step) {
    var k = inputs.indexOf(from) + step;
    if (k >= 0 && k < inputs.length) {
      inputs[k].focus();
      inputs[k].select();
    }
  }

  function bind(form) {
    if (form.dataset.bound || !form.dataset.editable) { return; }
    form.dataset.bound = "1";
    var cells = Array.prototype.slice.call(form.querySelectorAll(".cell-input"));
    var notes = Array.prototype.slice.call(form.querySelectorAll(".note-input"));

    function keys(list, other) {
      return function (event) {
        var input = event.target;
        var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
        var atEnd = input.selectionStart === input.value.length;
        if (event.key === "Enter") {
          event.preventDefault();   // no form submit; leaving the cell fires its change (the save)
          move(list, input, event.shiftKey ? -1 : 1);
        } else if (event.key === "ArrowDown") {
          event.preventDefault();
          move(list, input, 1);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          move(list, input, -1);
        } else if (event.key === "ArrowRight" && other === notes && atEnd) {
          var n = notes[cells.indexOf(input)];
          if (n) { event.preventDefault(); n.focus(); }
        } else if (event.key === "ArrowLeft" && other === cells && atStart) {
          var c = cells[notes.indexOf(input)];
          if (c) { event.preventDefault(); c.focus(); c.select(); }
        }
      };
    }

    cells.forEach(function (input) {
      input.addEventListener("keydown", keys(cells, notes));
      input.addEventListener("change", function () {
        if (input.value.trim() === (input.dataset.plain || "") && !input.closest("td").classList.contains("has-error")) {
          return;
        }
        saveCell(form, input);
      });
      input.addEventListener("paste", function (event) {
        var text = (event.clipboardData || window.clipboardData).getData("text");
        if (!/[\t\n]/.test(text.replace(/[\r\n]+$/, ""))) { return; }   // one cell: the browser pastes it
        event.preventDefault();
        pasteBlock(form, input, text);
      });
    });
    notes.forEach(function (input) {
      input.addEventListener("keydown", keys(notes, cells));
      input.addEventListener("change", function () { saveNote(form, input); });
    });
  }

  function bindAll() {
    var form = document.getElementById("entry-grid-form");
    if (form) { bind(form); }
  }

  document.addEventListener("DOMContentLoaded", bindAll);
})();

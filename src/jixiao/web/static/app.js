/* jixiao 审核工作台: evidence navigation, inline edit forms, multi-file upload, charts.
   Plain ES2017, no build step; works in older Chromium-based browsers (360 etc.). */
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function cssEscape(s) {
    return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\\]]/g, "\\$&");
  }
  function clearHits() {
    document.querySelectorAll(".hit").forEach(function (el) { el.classList.remove("hit"); });
    document.querySelectorAll(".hit-row").forEach(function (el) { el.classList.remove("hit-row"); });
  }

  /* value / finding → its evidence in the text */
  function goToEvidence(ref) {
    var marks = document.querySelectorAll('.doctext mark[data-ev~="' + cssEscape(ref) + '"]');
    clearHits();
    var row = document.querySelector('[data-ref="' + cssEscape(ref) + '"]');
    if (row) row.classList.add("hit-row");
    if (!marks.length) return false;
    marks.forEach(function (m) { m.classList.add("hit"); });
    scrollInPane(marks[0]);
    return true;
  }

  /* scroll the text pane (not the window) so that el sits in its middle */
  function scrollInPane(el) {
    var pane = el.closest(".docpane > .bd");
    if (!pane) { el.scrollIntoView({ block: "center" }); return; }
    var pr = pane.getBoundingClientRect();
    if (pr.bottom < 80 || pr.top > window.innerHeight - 80) pane.scrollIntoView({ block: "start" });
    var r = el.getBoundingClientRect();
    pr = pane.getBoundingClientRect();
    pane.scrollTop += (r.top - pr.top) - pane.clientHeight / 2 + r.height / 2;
  }

  /* highlight in the text → the value (or finding) it is evidence for */
  var lastMark = null, cycle = 0;
  function goToValue(mark) {
    var refs = (mark.getAttribute("data-ev") || "").split(/\s+/).filter(Boolean);
    if (!refs.length) return;
    cycle = mark === lastMark ? (cycle + 1) % refs.length : 0;
    lastMark = mark;
    var ref = refs[cycle];
    var row = document.querySelector('[data-ref="' + cssEscape(ref) + '"]');
    clearHits();
    document.querySelectorAll('.doctext mark[data-ev~="' + cssEscape(ref) + '"]').forEach(function (m) {
      m.classList.add("hit");
    });
    if (!row) return;
    var det = row.closest("details");
    if (det) det.open = true;
    row.classList.add("hit-row");
    row.scrollIntoView({ block: "center", behavior: "auto" });
  }

  /* legend switches: show or hide the value / finding highlights; "select all" boxes of a list */
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (t && t.matches && t.matches("input[data-check-all]")) {
      var name = t.getAttribute("data-check-all");
      document.querySelectorAll('input[type=checkbox][name="' + cssEscape(name) + '"]').forEach(function (c) {
        c.checked = t.checked;
      });
      return;
    }
    if (t && t.matches && t.matches("input[data-toggle]")) {
      var doc = document.getElementById("doctext");
      if (doc) doc.classList.toggle(t.getAttribute("data-toggle"), !t.checked);
    }
  });

  document.addEventListener("click", function (ev) {
    var go = ev.target.closest("[data-go]");
    if (go && !ev.target.closest("form, .editbtn, a[href]")) {
      ev.preventDefault();
      goToEvidence(go.getAttribute("data-go"));
      return;
    }
    var mark = ev.target.closest(".doctext mark[data-ev]");
    if (mark) { goToValue(mark); return; }
    var edit = ev.target.closest("[data-edit]");
    if (edit) {
      ev.preventDefault();
      var row = document.getElementById(edit.getAttribute("data-edit"));
      if (row) {
        row.hidden = !row.hidden;
        if (!row.hidden) { var inp = row.querySelector("input[name=new_value]"); if (inp) inp.focus(); }
      }
      return;
    }
    var cancel = ev.target.closest("[data-cancel]");
    if (cancel) {
      ev.preventDefault();
      var r = cancel.closest("tr, .editbox");
      if (r) r.hidden = true;
    }
  });

  /* a #ref in the address (after a correction) shows the row and its evidence */
  function fromHash() {
    var h = decodeURIComponent((location.hash || "").slice(1));
    if (h.indexOf("ref=") === 0) goToEvidence(h.slice(4));
  }
  window.addEventListener("hashchange", fromHash);
  document.addEventListener("DOMContentLoaded", fromHash);

  /* ---- upload: one request per file, progress per file, the others go on after a failure ---- */
  function setupUpload(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = document.getElementById(zone.getAttribute("data-list"));
    var url = zone.getAttribute("data-url");
    var queue = [], running = 0, LIMIT = 2;
    var taskSel = document.getElementById("upload-task");

    function row(file) {
      var el = document.createElement("div");
      el.className = "fileitem";
      var name = document.createElement("div"); name.className = "name"; name.textContent = file.name;
      name.title = file.name;
      var prog = document.createElement("div"); prog.className = "progress"; prog.appendChild(document.createElement("i"));
      var res = document.createElement("div"); res.className = "result muted"; res.textContent = "等待上传";
      el.appendChild(name); el.appendChild(prog); el.appendChild(res);
      list.appendChild(el);
      return el;
    }
    function pump() {
      while (running < LIMIT && queue.length) send(queue.shift());
    }
    function finish(item, ok, html) {
      item.el.classList.add(ok ? "done" : "failed");
      item.el.querySelector(".progress > i").style.width = "100%";
      var res = item.el.querySelector(".result");
      res.className = "result " + (ok ? "ok" : "failed");
      res.textContent = "";
      html.forEach(function (part) {
        if (typeof part === "string") res.appendChild(document.createTextNode(part));
        else res.appendChild(part);
      });
      if (!item.reportId) { running--; pump(); }
      updateSummary();
    }
    /* stored files: ask the server where their analysis is (待分析 → 分析中 → 已分析 / 分析失败) */
    var waiting = {}, polling = null;
    function link(href, text) {
      var a = document.createElement("a"); a.href = href; a.textContent = text; return a;
    }
    // the filing check (归属不符 / 未能核对) and a duplicate upload, after the result of a file
    function withNotes(item, parts, data) {
      [["warning", "filing-warn", "⚠ "], ["note", "filing-note", ""], ["duplicate", "dup-note", ""]].forEach(function (k) {
        if (!data[k[0]]) return;
        var span = document.createElement("span");
        span.className = "note " + k[1];
        span.textContent = k[2] + data[k[0]];
        if (k[0] === "duplicate" && data.duplicate_url) span.appendChild(link(data.duplicate_url, " 查看已上传的报告"));
        parts.push(span);
      });
      if (data.warning) item.el.classList.add("warn");
      return parts;
    }
    function poll() {
      if (polling) return;
      polling = setTimeout(function () {
        polling = null;
        var ids = Object.keys(waiting);
        if (!ids.length) return;
        var xhr = new XMLHttpRequest();
        xhr.open("GET", "/api/reports/status?ids=" + ids.join(","));
        xhr.setRequestHeader("Accept", "application/json");
        xhr.onload = function () {
          var data = null;
          try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
          ((data && data.items) || []).forEach(function (st) {
            var item = waiting[st.id];
            if (!item) return;
            var res = item.el.querySelector(".result");
            if (st.analysis === "done") {
              delete waiting[st.id];
              var who = (st.unit_name || "未识别单位") + (st.fiscal_year ? st.fiscal_year + "年度" : "");
              item.ok = true;
              finish(item, true, withNotes(item, ["✓ " + who + "：错误 " + st.error_count + "，警告 " + st.warning_count + " ",
                                                  link(item.url, "查看报告")], st));
            } else if (st.analysis === "failed") {
              delete waiting[st.id];
              finish(item, false, ["✗ 已保存，但分析失败：" + (st.error || "原因不明") + " ", link(item.url, "查看")]);
            } else {
              res.textContent = st.analysis === "running" ? "分析中…" : "已保存，排队等待分析…";
            }
          });
          if (Object.keys(waiting).length) poll();
        };
        xhr.onerror = function () { poll(); };
        xhr.send();
      }, 1000);
    }
    function send(item) {
      running++;
      var fd = new FormData();
      fd.append("file", item.file, item.file.name);
      fd.append("csrf_token", csrf);
      if (taskSel && taskSel.value) fd.append("task_id", taskSel.value);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      var bar = item.el.querySelector(".progress > i");
      var res = item.el.querySelector(".result");
      res.textContent = "上传中…";
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.style.width = Math.round(e.loaded / e.total * 90) + "%";
      };
      xhr.upload.onload = function () { bar.style.width = "92%"; res.textContent = "已上传，正在保存…"; };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status >= 200 && xhr.status < 300 && data && data.ok && data.analysis === "queued") {
          bar.style.width = "95%";
          res.textContent = "已保存，排队等待分析…";
          item.reportId = data.report_id; item.url = data.url;
          waiting[data.report_id] = item;
          running--; pump(); poll();
        } else if (xhr.status >= 200 && xhr.status < 300 && data && data.ok) {
          item.ok = true;
          finish(item, true, withNotes(item, ["✓ " + (data.summary || "已完成") + " ", link(data.url, "查看报告")], data));
        } else {
          var reason = (data && (data.error || data.detail)) || ("上传失败（HTTP " + xhr.status + "）");
          if (typeof reason !== "string") reason = JSON.stringify(reason);
          var parts2 = ["✗ " + reason];
          if (data && data.url) {
            var b = document.createElement("a"); b.href = data.url; b.textContent = " 查看";
            parts2.push(b);
          }
          finish(item, false, parts2);
        }
      };
      xhr.onerror = function () { finish(item, false, ["✗ 网络错误，上传未完成"]); };
      xhr.send(fd);
    }
    var all = [];
    function updateSummary() {
      var s = document.getElementById(zone.getAttribute("data-summary"));
      if (!s) return;
      var done = all.filter(function (i) { return i.el.classList.contains("done"); }).length;
      var failed = all.filter(function (i) { return i.el.classList.contains("failed"); }).length;
      s.textContent = "共 " + all.length + " 个文件：已分析 " + done + "，失败 " + failed + "，进行中 " + (all.length - done - failed);
    }
    function add(files) {
      Array.prototype.forEach.call(files, function (f) {
        var item = { file: f, el: row(f) };
        all.push(item);
        queue.push(item);
      });
      updateSummary();
      pump();
    }
    zone.addEventListener("click", function (e) { if (e.target !== input) input.click(); });
    zone.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) add(e.dataTransfer.files); });
  }

  /* ---- charts: an element with data-chart="ID" reads the option JSON from <script id=ID> ---- */
  function setupCharts() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var opt;
      try { opt = JSON.parse(src.textContent); } catch (e) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opt);
      window.addEventListener("resize", function () { chart.resize(); });
      if (opt._links) {
        chart.on("click", function (p) { var u = opt._links[p.name]; if (u) location.href = u; });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".dropzone[data-url]").forEach(setupUpload);
    setupCharts();
  });
  document.body && document.body.addEventListener("htmx:afterSwap", setupCharts);
})();

// 台账工作台: live updates, uploads, builds. No framework, no network
// beyond this server.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="taizhang-token"]').content;
  var page = document.body.dataset.page;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // Redraw the page's live part from the server, keeping what only this
  // page holds (upload and build results).
  var redrawing = false, again = false;
  function redraw() {
    if (redrawing) { again = true; return; }
    redrawing = true;
    fetch(location.href, { headers: { "Accept": "text/html" } }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var keep = ["results", "build-result", "progress"];
      keep.forEach(function (id) {
        var old = document.getElementById(id), fresh = doc.getElementById(id);
        if (old && fresh) fresh.replaceWith(old);
      });
      var main = doc.getElementById("live");
      if (main) document.getElementById("live").replaceWith(main);
      bind();
    }).catch(function () {}).finally(function () {
      redrawing = false;
      if (again) { again = false; redraw(); }
    });
  }

  var dot = document.getElementById("live-dot");
  if (window.EventSource) {
    var es = new EventSource("/api/events");
    es.onopen = function () { dot.classList.add("on"); };
    es.onerror = function () { dot.classList.remove("on"); };
    es.addEventListener("status", function () { if (page !== "remind" || !document.activeElement || document.activeElement.id !== "remind-text") redraw(); });
    es.addEventListener("progress", function (e) { progress(JSON.parse(e.data)); });
    es.addEventListener("judged", function (e) {
      var j = JSON.parse(e.data), who = j.village || j.file;
      if (j.archived) toast("", who + "：收到一份较旧的台账，已移到归档");
      else if (j.accepted) toast("ok", who + "：已收" + (j.warnings ? "，" + j.warnings + " 条警告" : ""));
      else toast("bad", who + "：退回，" + j.errors + " 条错误");
    });
    es.addEventListener("build", function (e) {
      var b = JSON.parse(e.data);
      if (!b.ok && b.error) toast("bad", "通报没有更新：" + b.error);
    });
  }

  // A short note in the corner when something arrives.
  function toast(kind, text) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var t = el("div", "toast " + kind, text);
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, 6000);
  }

  // --- upload ---
  function diagLine(d) {
    var li = el("li", d.severity === "error" ? "err" : "warn");
    li.textContent = (d.severity === "error" ? "错误：" : "警告：") + (d.sheet ? d.sheet + "!" : "") + (d.cell ? d.cell + "：" : "") + d.message;
    return li;
  }
  function showUpload(answer) {
    var box = document.getElementById("results");
    box.textContent = "";
    if (!answer.ok) {
      var r = el("div", "result failed");
      r.appendChild(el("div", "title", answer.error || "上传失败"));
      box.appendChild(r);
      return;
    }
    answer.files.forEach(function (f) {
      var r = el("div", "result " + f.status);
      r.dataset.name = f.name;
      r.dataset.status = f.status;
      var label = { accepted: "已收", rejected: "退回", refused: "未收" }[f.status];
      r.appendChild(el("div", "title", label + " · " + f.name + (f.village ? "（" + f.village + "）" : "")));
      r.appendChild(el("div", "muted small", f.message + (f.saved_as && f.saved_as !== f.name ? "；存为 " + f.saved_as : "")));
      var diags = (f.check && f.check.diagnostics) || [];
      if (diags.length) {
        var ul = el("ul");
        diags.slice(0, 8).forEach(function (d) { ul.appendChild(diagLine(d)); });
        if (diags.length > 8) ul.appendChild(el("li", "", "……共 " + diags.length + " 条，详见该村（社区）页面"));
        r.appendChild(ul);
      }
      if (f.village) {
        var a = el("a", "", "查看" + f.village + "的台账和问题 ›");
        a.href = "/village/" + encodeURIComponent(f.village);
        r.appendChild(a);
      }
      box.appendChild(r);
    });
  }
  function upload(files) {
    if (!files || !files.length) return;
    var fd = new FormData();
    for (var i = 0; i < files.length; i++) fd.append("file", files[i], files[i].name);
    var box = document.getElementById("results");
    box.textContent = "";
    var waiting = el("div", "result", "正在上传并检查 " + files.length + " 个文件……");
    box.appendChild(waiting);
    var slow = setTimeout(function () { waiting.textContent += "（如果正在自动更新通报，要等更新完成才轮到检查）"; }, 3000);
    fetch("/api/upload", { method: "POST", body: fd, headers: { "X-Taizhang-Token": token } })
      .then(function (r) { return r.json(); })
      .then(showUpload)
      .catch(function () { showUpload({ ok: false, error: "上传失败：与工作台的连接断了，请确认 taizhang serve 还在运行" }); })
      .finally(function () { clearTimeout(slow); redraw(); });
  }

  // --- build ---
  var steps = ["读取台账", "校验", "汇总", "进展对比", "生成通报", "生成汇总台账", "生成清单", "写入输出"];
  function progress(p) {
    var box = document.getElementById("progress");
    if (!box) return;
    box.hidden = false;
    var i = steps.indexOf(p.step), frac = p.total > 0 ? p.done / p.total : 0;
    var pct = i < 0 ? 2 : Math.round(100 * (i + frac) / steps.length);
    document.getElementById("bar").style.width = pct + "%";
    document.getElementById("step").textContent = (i < 0 ? "准备" : p.step) + (p.total > 0 ? " " + p.done + "/" + p.total : "") + "……";
  }
  function showBuild(final, res) {
    var box = document.getElementById("build-result");
    box.textContent = "";
    var r = el("div", "result " + (res.ok ? "accepted" : "failed"));
    r.id = "build-answer";
    r.dataset.ok = res.ok ? "true" : "false";
    if (res.refused) {
      r.appendChild(el("div", "title", "还不能定稿，原因如下："));
      var ul = el("ul");
      res.refused.forEach(function (w) { ul.appendChild(el("li", "err", w)); });
      r.appendChild(ul);
    } else if (res.error) {
      r.appendChild(el("div", "title", res.error));
    } else {
      var s = res.statistics && res.statistics.town;
      r.appendChild(el("div", "title", res.ok ? (final ? "公开版已生成" : "工作版已生成") : "有错误，没有生成"));
      if (s) r.appendChild(el("div", "", "共 " + s.tasks + " 项任务，已完成 " + s.done + " 项，逾期 " + s.overdue + " 项。"));
      var list = el("ul");
      (res.diagnostics || []).filter(function (d) { return d.severity === "error"; }).slice(0, 10).forEach(function (d) { list.appendChild(diagLine(d)); });
      (res.outputs || []).forEach(function (o) {
        var li = el("li"), a = el("a", "", o.path);
        var base = res.out && final ? res.out.split(/[\\/]/).pop() + "/" : "";
        a.href = "/files/" + (base + o.path).split("/").map(encodeURIComponent).join("/");
        if (/\.pdf$/i.test(o.path)) a.target = "_blank";
        li.appendChild(a);
        list.appendChild(li);
      });
      r.appendChild(list);
    }
    box.appendChild(r);
    var bar = document.getElementById("progress");
    if (bar && res.ok) { document.getElementById("bar").style.width = "100%"; document.getElementById("step").textContent = "完成"; }
  }
  function build(final) {
    var buttons = document.querySelectorAll("[data-final]");
    buttons.forEach(function (b) { b.disabled = true; });
    progress({ step: "开始", done: 0, total: 0 });
    fetch("/api/build", { method: "POST", body: JSON.stringify({ final: final }), headers: { "Content-Type": "application/json", "X-Taizhang-Token": token } })
      .then(function (r) { return r.json(); })
      .then(function (res) { showBuild(final, res); })
      .catch(function () { showBuild(final, { ok: false, error: "生成失败：与工作台的连接断了" }); })
      .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); redraw(); });
  }

  // Handlers on elements that a redraw replaces.
  function bind() {
    var input = document.getElementById("file");
    if (input && !input.dataset.bound) {
      input.dataset.bound = "1";
      input.addEventListener("change", function () { upload(input.files); input.value = ""; });
      var drop = document.getElementById("drop");
      ["dragenter", "dragover"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); }); });
      ["dragleave", "drop"].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); }); });
      drop.addEventListener("drop", function (e) { upload(e.dataTransfer.files); });
    }
    document.querySelectorAll("[data-final]").forEach(function (b) {
      if (b.dataset.bound) return;
      b.dataset.bound = "1";
      b.addEventListener("click", function () { build(b.dataset.final === "true"); });
    });
    var copy = document.getElementById("copy");
    if (copy && !copy.dataset.bound) {
      copy.dataset.bound = "1";
      copy.addEventListener("click", function () {
        var t = document.getElementById("remind-text");
        t.select();
        var done = function () { document.getElementById("copied").textContent = "已复制，可以粘贴到微信或短信里"; };
        if (navigator.clipboard) navigator.clipboard.writeText(t.value).then(done, function () { document.execCommand("copy"); done(); });
        else { document.execCommand("copy"); done(); }
      });
    }
  }
  bind();
})();

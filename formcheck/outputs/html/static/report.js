/* formcheck report page: seek on click, frame stepping, speed, chart read-out.
   Written for this page, no library. Works on every [data-fcr] section of a document, so an
   app can embed one or more reports; it reads only the JSON in the section. */
(function () {
  "use strict";

  function nearest(arr, v) { // index of the value in sorted arr closest to v
    var lo = 0, hi = arr.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] < v) lo = mid; else hi = mid;
    }
    return Math.abs(arr[lo] - v) <= Math.abs(arr[hi] - v) ? lo : hi;
  }

  function fmt(v, unit) {
    if (v === null || v === undefined) return "–";
    return unit === "sw" ? v.toFixed(2) : Math.round(v) + "°";
  }

  function init(root) {
    if (root.getAttribute("data-fcr-ready")) return;
    root.setAttribute("data-fcr-ready", "1");
    var data = JSON.parse(root.querySelector("script.fcr-data").textContent);
    var video = root.querySelector("video.fcr-video");
    var frame = 1 / (data.fps || 30);

    function seek(t) {
      if (!video) return false;
      video.currentTime = Math.max(0, t);
      return true;
    }

    function step(frames) {
      if (!video) return;
      video.pause();
      var k = Math.round(video.currentTime / frame - 0.5) + frames;
      video.currentTime = Math.max(0, (k + 0.5) * frame);
    }

    root.addEventListener("click", function (ev) {
      var el = ev.target.closest("[data-seek]");
      if (el && root.contains(el)) {
        if (seek(parseFloat(el.getAttribute("data-seek"))) && el.closest(".fcr-reps, .fcr-keyframes, .fcr-chart")) {
          root.querySelector(".fcr-player-block").scrollIntoView({ behavior: "smooth", block: "nearest" });
        }
        return;
      }
      var rate = ev.target.closest("[data-rate]");
      if (rate && video) {
        video.playbackRate = parseFloat(rate.getAttribute("data-rate"));
        root.querySelectorAll("[data-rate]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === rate ? "true" : "false");
        });
      }
    });

    if (video) {
      document.addEventListener("keydown", function (ev) {
        if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
        var tag = (ev.target.tagName || "").toLowerCase();
        if (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) return;
        if (document.querySelectorAll("[data-fcr] video").length > 1 && !root.contains(ev.target)) return;
        if (ev.key === "," || ev.key === ".") { step(ev.key === "," ? -1 : 1); ev.preventDefault(); }
        else if (ev.key === "k") { if (video.paused) video.play(); else video.pause(); ev.preventDefault(); }
      });
      var chapters = root.querySelectorAll(".fcr-chapter");
      var rows = root.querySelectorAll("tr.fcr-rep");
      video.addEventListener("timeupdate", function () {
        var t = video.currentTime, current = null;
        data.reps.forEach(function (r) { if (t >= r.seek - frame && t <= r.end) current = r.index; });
        chapters.forEach(function (c) { c.classList.toggle("is-current", +c.getAttribute("data-rep") === current); });
        rows.forEach(function (c) { c.classList.toggle("is-current", +c.getAttribute("data-rep") === current); });
        chartPlayhead(t);
      });
    }

    var chartPlayhead = initChart(root, data.chart || {}, seek);
  }

  function initChart(root, c, seek) {
    var svg = root.querySelector(".fcr-chart svg");
    var tip = root.querySelector(".fcr-tip");
    if (!svg || !c.t || !c.t.length) return function () {};
    var ns = svg.namespaceURI;
    var cursor = svg.querySelector(".cursor");
    var playhead = document.createElementNS(ns, "line");
    playhead.setAttribute("class", "playhead");
    playhead.setAttribute("y1", cursor.getAttribute("y1"));
    playhead.setAttribute("y2", cursor.getAttribute("y2"));
    playhead.setAttribute("visibility", "hidden");
    svg.appendChild(playhead);
    var names = Object.keys(c.series);
    var paths = svg.querySelectorAll("path.series"); // drawn in the order of c.series
    var dots = names.map(function (name, k) {
      var d = document.createElementNS(ns, "circle");
      d.setAttribute("r", "4.5");
      d.setAttribute("class", "dot");
      d.setAttribute("visibility", "hidden");
      d.style.fill = paths[k] ? getComputedStyle(paths[k]).stroke : "#333";
      svg.appendChild(d);
      return d;
    });

    function xOf(t) { return c.x0 + (t - c.t0) / (c.t1 - c.t0) * (c.x1 - c.x0); }
    function tOf(x) { return c.t0 + (x - c.x0) / (c.x1 - c.x0) * (c.t1 - c.t0); }
    function yOf(name, v) { var p = c.panels[name]; return p[1] - (v - p[2]) / (p[3] - p[2]) * (p[1] - p[0]); }
    function svgX(ev) {
      var pt = svg.createSVGPoint();
      pt.x = ev.clientX; pt.y = ev.clientY;
      return pt.matrixTransform(svg.getScreenCTM().inverse()).x;
    }
    function repAt(t) {
      var hit = null;
      c.reps.forEach(function (r) { if (t >= r[1] && t <= r[2]) hit = r[0]; });
      return hit;
    }

    function show(ev) {
      var x = svgX(ev);
      if (x < c.x0 || x > c.x1) { hide(); return; }
      var i = nearest(c.t, tOf(x));
      var cx = xOf(c.t[i]);
      cursor.setAttribute("x1", cx); cursor.setAttribute("x2", cx); cursor.setAttribute("visibility", "visible");
      var lines = ["<b>" + c.t[i].toFixed(2) + " s</b>" + (repAt(c.t[i]) ? " · rep " + repAt(c.t[i]) : "")];
      names.forEach(function (name, k) {
        var v = c.series[name][i];
        lines.push(c.labels[name] + ": " + fmt(v, name === "hip_lift_sw" ? "sw" : "deg"));
        if (v === null) { dots[k].setAttribute("visibility", "hidden"); return; }
        dots[k].setAttribute("cx", cx); dots[k].setAttribute("cy", yOf(name, v));
        dots[k].setAttribute("visibility", "visible");
      });
      tip.innerHTML = lines.join("<br>");
      tip.hidden = false;
      var box = svg.getBoundingClientRect();
      var px = cx / c.width * box.width;
      var left = px + 14 + tip.offsetWidth > box.width ? px - 14 - tip.offsetWidth : px + 14;
      tip.style.left = Math.max(0, left) + "px";
      var top = ev.clientY - box.top + 16; // below the pointer, inside the chart
      tip.style.top = Math.max(0, Math.min(top, box.height - tip.offsetHeight)) + "px";
    }
    function hide() {
      cursor.setAttribute("visibility", "hidden");
      dots.forEach(function (d) { d.setAttribute("visibility", "hidden"); });
      tip.hidden = true;
    }
    svg.addEventListener("pointermove", show);
    svg.addEventListener("pointerleave", hide);
    svg.addEventListener("click", function (ev) {
      if (ev.target.closest("[data-seek]")) return; // a fault mark seeks to its own moment
      var x = svgX(ev);
      if (x >= c.x0 && x <= c.x1) seek(c.video_t[nearest(c.t, tOf(x))]);
    });
    return function (videoT) {
      var i = nearest(c.video_t, videoT);
      if (i < 0) return;
      var px = xOf(c.t[i]);
      playhead.setAttribute("x1", px); playhead.setAttribute("x2", px);
      playhead.setAttribute("visibility", "visible");
    };
  }

  function start() { document.querySelectorAll("[data-fcr]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* formcheck compare page: B's video follows A's through the time map of the picked reps.
   Written for this page, no library. The knots come computed in the page's JSON (one list per
   distinct map, map_of names the map of each pick "i:j", on the two videos' own clocks); here
   they are only interpolated. While A plays, B's rate is set each frame to reach where the map
   puts it a moment ahead (so a knot and any drift are met in advance); B is seeked when far off. */
(function () {
  "use strict";

  function segment(t, ks, from) { // index lo with ks[lo][from] <= t < ks[lo + 1][from]
    var lo = 0, hi = ks.length - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (ks[mid][from] <= t) lo = mid; else hi = mid;
    }
    return lo;
  }

  function through(t, ks, from, to) { // piecewise linear inside, slope 1 outside
    var n = ks.length;
    if (!n) return t;
    if (t <= ks[0][from]) return ks[0][to] + (t - ks[0][from]);
    if (t >= ks[n - 1][from]) return ks[n - 1][to] + (t - ks[n - 1][from]);
    var k = segment(t, ks, from), a = ks[k], b = ks[k + 1];
    return a[to] + (t - a[from]) / (b[from] - a[from]) * (b[to] - a[to]);
  }

  function slope(t, ks) {
    var n = ks.length;
    if (n < 2 || t <= ks[0][0] || t >= ks[n - 1][0]) return 1;
    var k = segment(t, ks, 0), a = ks[k], b = ks[k + 1];
    return (b[1] - a[1]) / (b[0] - a[0]);
  }

  function quiet(promise) { if (promise && promise.catch) promise.catch(function () {}); }

  function init(root) {
    var data = JSON.parse(root.querySelector("script.fcc-data").textContent);
    var va = root.querySelector('video[data-side="a"]');
    var vb = root.querySelector('video[data-side="b"]');
    var frameA = 1 / (data.a.fps || 30), frameB = 1 / (data.b.fps || 30);
    function mapOf(p) { var k = data.map_of[p.join(":")]; return k === undefined ? [] : data.maps[k]; }
    var pick = data.pick.slice();
    var knots = mapOf(pick);
    var status = root.querySelector(".fcc-status");
    var playBtn = root.querySelector(".fcc-play");

    function wanted() {
      var t = through(va.currentTime, knots, 0, 1), d = vb.duration;
      return Math.max(0, isFinite(d) ? Math.min(t, d) : t);
    }

    function follow(hard) {
      if (!va || !vb) return;
      var want = wanted(), err = vb.currentTime - want;
      // paused with A, and before its first frame while A's clock maps before B's start
      if (va.paused || va.ended || through(va.currentTime, knots, 0, 1) < 0) {
        if (!vb.paused) vb.pause();
        if (hard || Math.abs(err) > frameB / 4) vb.currentTime = want;
        return;
      }
      if (hard || Math.abs(err) > 0.25) { vb.currentTime = want; err = 0; }
      // Aim B at where A's clock maps by the next animation frame: a knot before then changes
      // B's rate now (the average slope up to that frame), and any drift is made up by then.
      var horizon = Math.max(MIN_HORIZON_S, Math.min(0.25, lastGap)) * va.playbackRate;
      var ahead = through(va.currentTime + horizon, knots, 0, 1);
      var rate = (ahead - (err === 0 ? want : vb.currentTime)) / horizon * va.playbackRate;
      rate = Math.max(0.0625, Math.min(16, rate));
      if (Math.abs(vb.playbackRate - rate) > 0.002) vb.playbackRate = rate;
      var atEnd = isFinite(vb.duration) && want >= vb.duration - frameB;
      if (vb.paused && !atEnd) quiet(vb.play());
    }

    // The horizon is the time to the next animation frame, as the last few took.
    var MIN_HORIZON_S = 1 / 60, lastGap = 0, lastTick = 0;
    function tick(now) {
      if (now && lastTick) lastGap = lastGap ? 0.7 * lastGap + 0.3 * (now - lastTick) / 1000 : (now - lastTick) / 1000;
      lastTick = now || 0;
      follow(false);
      if (va && !va.paused) requestAnimationFrame(tick); else lastTick = lastGap = 0;
    }

    function repOf(side, index) {
      var list = data[side].reps;
      for (var k = 0; k < list.length; k++) if (list[k].index === index) return list[k];
      return null;
    }

    function show() {
      root.querySelectorAll("[data-pick]").forEach(function (b) {
        var side = b.getAttribute("data-pick") === "a" ? 0 : 1;
        b.classList.toggle("is-current", +b.getAttribute("data-rep") === pick[side]);
      });
      root.querySelectorAll("tr.fcc-row, .pair-band").forEach(function (el) {
        el.classList.toggle("is-current", el.getAttribute("data-pair") === pick.join(":"));
      });
      if (status) {
        var s = va ? slope(va.currentTime, knots) : 1;
        status.textContent = data.a.label + " rep " + pick[0] + " with " + data.b.label + " rep " + pick[1] +
          (va && vb ? " · " + data.b.label + " at " + s.toFixed(2) + "× " + data.a.label + "'s pace here" : "");
      }
    }

    function choose(i, j) {
      pick = [i, j];
      knots = mapOf(pick);
      var rep = repOf("a", i);
      if (va && rep) va.currentTime = rep.seek;
      follow(true);
      show();
    }

    root.addEventListener("click", function (ev) {
      var el = ev.target.closest("[data-pick], [data-pair], [data-key], [data-rate], .fcc-play");
      if (!el || !root.contains(el)) return;
      if (el.hasAttribute("data-pick")) {
        var idx = +el.getAttribute("data-rep");
        if (el.getAttribute("data-pick") === "a") choose(idx, pick[1]); else choose(pick[0], idx);
      } else if (el.hasAttribute("data-pair")) {
        var p = el.getAttribute("data-pair").split(":");
        choose(+p[0], +p[1]);
        var block = root.querySelector(".fcc-players");
        if (block && el.closest(".fcc-table-block, .fcc-chart-block")) block.scrollIntoView({ behavior: "smooth", block: "nearest" });
      } else if (el.hasAttribute("data-key") && va) {
        var t = parseFloat(el.getAttribute("data-seek"));
        va.currentTime = Math.max(0, el.getAttribute("data-key") === "a" ? t : through(t, knots, 1, 0));
      } else if (el.hasAttribute("data-rate") && va) {
        va.playbackRate = parseFloat(el.getAttribute("data-rate"));
        root.querySelectorAll("[data-rate]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === el ? "true" : "false");
        });
      } else if (el.classList.contains("fcc-play") && va) {
        if (va.paused) quiet(va.play()); else va.pause();
      }
    });

    if (va) {
      var starting = false;
      va.addEventListener("play", function () {
        // B far from its place (just loaded, or A was moved): hold A until B has seeked there,
        // so both start in step instead of B catching up over the first second.
        if (vb && !starting && Math.abs(vb.currentTime - wanted()) > frameB / 2) {
          starting = true;
          va.pause();
          vb.addEventListener("seeked", function resume() {
            vb.removeEventListener("seeked", resume);
            quiet(va.play());
          });
          vb.currentTime = wanted();
          return;
        }
        starting = false;
        follow(false); // B is within half a frame: no seek, only its rate and play
        requestAnimationFrame(tick);
      });
      ["pause", "seeked", "ratechange", "ended"].forEach(function (name) {
        va.addEventListener(name, function () { follow(name === "seeked" && !va.paused); });
      });
      va.addEventListener("timeupdate", show);
      ["play", "pause"].forEach(function (name) {
        va.addEventListener(name, function () { if (playBtn) playBtn.textContent = va.paused ? "Play both" : "Pause both"; });
      });
      if (vb) {
        // B's player starts once, unseen, as soon as it can: a first start takes a few hundred
        // ms, which would otherwise leave B behind A at the first play.
        var primed = false;
        var prime = function () {
          if (primed || vb.readyState < 2) return;
          primed = true;
          var p = vb.play();
          var back = function () { if (va.paused) { vb.pause(); follow(true); } };
          if (p && p.then) p.then(back, function () { follow(true); }); else back();
        };
        vb.addEventListener("loadeddata", prime);
        prime(); // the data came before this script ran
      }
      document.addEventListener("keydown", function (ev) {
        if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
        var tag = (ev.target.tagName || "").toLowerCase();
        if (tag === "input" || tag === "textarea" || tag === "select" || ev.target.isContentEditable) return;
        if (ev.key === "," || ev.key === ".") {
          va.pause();
          var k = Math.round(va.currentTime / frameA - 0.5) + (ev.key === "," ? -1 : 1);
          va.currentTime = Math.max(0, (k + 0.5) * frameA);
          ev.preventDefault();
        } else if (ev.key === "k") {
          if (va.paused) quiet(va.play()); else va.pause();
          ev.preventDefault();
        }
      });
    }
    // the page's own numbers, for a reader's console and the browser test
    root.fcc = { through: function (t) { return through(t, knots, 0, 1); }, pick: function () { return pick.slice(); } };
    show();
  }

  function start() { document.querySelectorAll("[data-fcc]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

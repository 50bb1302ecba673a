// The review page around the set's report: seek its video, poll a running job, post notes and verdicts.
// The report's own script (report.js) handles clicks inside the report; this one the app's parts.
(function () {
  const root = document.getElementById("review");
  const clip = root.dataset.clip;
  const video = root.querySelector("video.fcr-video");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  async function call(method, url, body) {
    const r = await fetch(url, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await r.json().catch(() => ({}));
    if (!r.ok) { alert(data.error || ("request failed: " + r.status)); throw new Error(data.error); }
    return data;
  }
  // The report's video runs on its own clock (frames over one constant rate): the app's rep
  // buttons and timeline take the report's rep times (its JSON), not the report's seconds.
  const dataEl = root.querySelector("[data-fcr] script.fcr-data");
  const reps = {};
  if (dataEl) JSON.parse(dataEl.textContent).reps.forEach((r) => { reps[r.index] = r; });
  root.querySelectorAll("[data-rep][data-seek]").forEach((el) => {
    const r = reps[+el.dataset.rep];
    if (r && !el.closest("[data-fcr]")) el.dataset.seek = r.seek;
  });
  function layout() {
    const dur = video && video.duration;
    if (!dur || !isFinite(dur)) return;
    root.querySelectorAll("#timeline .seg").forEach((el) => {
      const r = reps[+el.dataset.rep];
      if (!r) return;
      el.style.left = (100 * r.seek / dur) + "%";
      el.style.width = (100 * (r.end - r.seek) / dur) + "%";
    });
    root.querySelectorAll("#timeline .note-mark, #timeline .kf-mark").forEach((el) => {
      el.style.left = (100 * parseFloat(el.dataset.seek) / dur) + "%";
    });
  }
  if (video && dataEl) { video.addEventListener("loadedmetadata", layout); layout(); }
  const own = [...root.querySelectorAll("[data-seek]")].filter((el) => !el.closest("[data-fcr]"));
  own.forEach((el) => el.addEventListener("click", (e) => {
    e.preventDefault();
    e.stopPropagation();  // the report's handler would seek again
    if (!video) return;
    video.currentTime = parseFloat(el.dataset.seek);
    video.pause();
  }));
  const timeline = document.getElementById("app-timeline");
  const player = root.querySelector("[data-fcr] .fcr-player-block");
  if (timeline && player) player.appendChild(timeline);  // the notes' timeline right under the video
  document.querySelectorAll("[data-verdict]").forEach((el) => el.addEventListener("click", async () => {
    await call("POST", `/api/clips/${clip}/verdicts`, {rep: +el.dataset.rep, code: el.dataset.code,
      agree: el.dataset.agree === "true"});
    location.reload();
  }));
  document.querySelectorAll("form.missed").forEach((form) => form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await call("POST", `/api/clips/${clip}/verdicts`, {rep: +form.dataset.rep, missed: form.missed.value});
    location.reload();
  }));
  const noteForm = document.getElementById("note-form");
  if (noteForm) noteForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const target = noteForm.target.value;
    const body = {text: noteForm.text.value};
    if (target.startsWith("rep-")) body.rep = +target.slice(4);
    else body.t_s = video ? Math.round(video.currentTime * 100) / 100 : 0;
    await call("POST", `/api/clips/${clip}/notes`, body);
    location.reload();
  });
  // Each keyframe's still: a second, hidden player seeks to the moments one by one and paints them.
  const stills = [...root.querySelectorAll("#keyframes canvas.kf-still")];
  if (video && stills.length) {
    const probe = document.createElement("video");
    probe.muted = true;
    probe.preload = "auto";
    let k = 0;
    const next = () => {
      if (k < stills.length) probe.currentTime = parseFloat(stills[k].dataset.t);
      else { probe.removeAttribute("src"); probe.load(); }
    };
    probe.addEventListener("loadeddata", () => {
      stills.forEach((c) => { c.height = Math.round(c.width * probe.videoHeight / probe.videoWidth); });
      next();
    }, {once: true});
    probe.addEventListener("seeked", () => {
      stills[k].getContext("2d").drawImage(probe, 0, 0, stills[k].width, stills[k].height);
      stills[k].dataset.painted = "1";
      k += 1;
      next();
    });
    probe.src = video.currentSrc || video.getAttribute("src");
  }
  const kfForm = document.getElementById("keyframe-form");
  if (kfForm) kfForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const t_s = video ? Math.round(video.currentTime * 1000) / 1000 : 0;
    await call("POST", `/api/clips/${clip}/keyframes`, {t_s, title: kfForm.title.value});
    location.reload();
  });
  document.querySelectorAll("[data-delete-keyframe]").forEach((el) => el.addEventListener("click", async () => {
    await call("DELETE", `/api/clips/${clip}/keyframes/${el.dataset.deleteKeyframe}`);
    location.reload();
  }));
  const rerun = document.querySelector("[data-rerun]");
  if (rerun) rerun.addEventListener("click", async () => {
    await call("POST", `/api/clips/${clip}/rerun`);
    location.reload();
  });
  if (["queued", "running"].includes(root.dataset.status)) {
    const tick = async () => {
      const r = await fetch(`/api/clips/${clip}`, {credentials: "same-origin"});
      if (!r.ok) return setTimeout(tick, 3000);
      const c = await r.json();
      if (c.status === "done" || c.status === "failed") return location.reload();
      document.getElementById("progress").value = c.progress;
      document.getElementById("pct").textContent = c.progress + "%";
      document.getElementById("state").textContent = c.status === "running" ? "Analysing…" : "Waiting for a free worker…";
      setTimeout(tick, 1000);
    };
    setTimeout(tick, 1000);
  }
})();

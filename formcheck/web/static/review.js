// The review page: seek the video, poll a running job, post notes and verdicts.
(function () {
  const root = document.getElementById("review");
  const clip = root.dataset.clip;
  const video = document.getElementById("video");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  async function call(method, url, body) {
    const r = await fetch(url, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await r.json().catch(() => ({}));
    if (!r.ok) { alert(data.error || ("request failed: " + r.status)); throw new Error(data.error); }
    return data;
  }
  document.querySelectorAll("[data-seek]").forEach((el) => el.addEventListener("click", (e) => {
    e.preventDefault();
    if (!video) return;
    video.currentTime = parseFloat(el.dataset.seek);
    video.pause();
  }));
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

// The upload page: send with a progress bar, then open the set's page (it shows the analysis).
(function () {
  const form = document.getElementById("upload");
  const bar = document.getElementById("sent");
  const msg = document.getElementById("message");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/clips");
    xhr.setRequestHeader("X-CSRF-Token", form.csrf_token.value);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) bar.value = 100 * ev.loaded / ev.total; };
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
      if (xhr.status === 202) { location.href = "/clips/" + data.id; return; }
      bar.hidden = true;
      msg.hidden = false;
      msg.textContent = data.error || ("upload failed (" + xhr.status + ")");
      form.querySelector("button").disabled = false;
    };
    xhr.onerror = () => { msg.hidden = false; msg.textContent = "upload failed: connection lost"; form.querySelector("button").disabled = false; };
    bar.hidden = false; msg.hidden = true;
    form.querySelector("button").disabled = true;
    xhr.send(new FormData(form));
  });
})();

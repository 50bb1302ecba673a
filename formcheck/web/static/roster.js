// The roster: make an invite link for a new athlete.
(function () {
  const button = document.getElementById("invite");
  const out = document.getElementById("invite-url");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  button.addEventListener("click", async () => {
    const r = await fetch("/api/invites", {method: "POST", credentials: "same-origin", headers: {"X-CSRF-Token": csrf}});
    const data = await r.json();
    out.hidden = false;
    out.textContent = r.ok ? "Send this link to your athlete (valid 7 days, once): " + data.url : data.error;
  });
})();

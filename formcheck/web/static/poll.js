// The sets list: reload while a set is still being analysed.
(function () {
  const list = document.querySelector("[data-poll]");
  if (list && +list.dataset.poll > 0) setTimeout(() => location.reload(), 2000);
})();

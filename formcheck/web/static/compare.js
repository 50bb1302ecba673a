// The compare page lives in a frame (it has its own styles and script): grow the frame to its content.
(function () {
  const frame = document.getElementById("compare-frame");
  if (!frame) return;
  function fit() {
    const doc = frame.contentDocument;
    if (doc && doc.body) frame.style.height = (doc.documentElement.scrollHeight + 4) + "px";
  }
  frame.addEventListener("load", () => {
    fit();
    if (window.ResizeObserver && frame.contentDocument) new ResizeObserver(fit).observe(frame.contentDocument.body);
  });
})();

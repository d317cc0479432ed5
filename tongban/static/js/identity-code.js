// The identity-code page: a countdown beside the QR code, "复制码", and a new code at once when the shown
// one expired (a phone that slept past the htmx timer). Without this script the page still works: the
// expiry time is printed and htmx replaces the code every 50 seconds.
(() => {
  const container = document.getElementById("identity-code");
  if (!container) {
    return;
  }
  let deadline = 0;
  let timer = null;

  const tick = () => {
    const countdown = container.querySelector("[data-countdown]");
    if (!countdown) {
      clearInterval(timer); // the page paused: no code, nothing to count
      timer = null;
      deadline = Number.POSITIVE_INFINITY;
      return;
    }
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    countdown.hidden = false;
    countdown.textContent = left > 0 ? `（剩余 ${left} 秒）` : "（已过期，正在更新）";
    if (left === 0) {
      clearInterval(timer);
      timer = null;
      container.dispatchEvent(new CustomEvent("code-expired"));
    }
  };

  const start = () => {
    const card = container.querySelector("[data-code-lifetime]");
    if (!card) {
      return;
    }
    deadline = Date.now() + Number(card.dataset.codeLifetime) * 1000;
    const copy = container.querySelector("[data-copy-code]");
    if (copy && navigator.clipboard) {
      copy.hidden = false;
    }
    if (timer === null) {
      timer = setInterval(tick, 1000);
    }
    tick();
  };

  container.addEventListener("htmx:afterSwap", start);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer === null && deadline <= Date.now()) {
      container.dispatchEvent(new CustomEvent("code-expired"));
    }
  });
  container.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy-code]");
    if (!button) {
      return;
    }
    const token = container.querySelector("[data-code-token]").textContent.trim();
    const result = container.querySelector("[data-copy-result]");
    try {
      await navigator.clipboard.writeText(token);
      result.textContent = "已复制";
    } catch {
      result.textContent = "复制失败，请手动选择上面的码";
    }
  });
  start();
})();

// Starts GOV.UK Frontend's components (a static file: the Content Security Policy allows no inline script).
import { initAll } from "../web/govuk-frontend.min.js";
import "./agreement_search.js";

// GOV.UK Frontend's template does this in an inline script; each component checks the class
// in its constructor, so it is set here, before initAll() starts them.
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// An import's page follows its progress; without script the page offers a refresh link.
const follower = document.querySelector("[data-import-progress]");
if (follower) {
  const bar = follower.querySelector("progress");
  const status = follower.querySelector("[data-import-status]");
  const poll = async () => {
    const response = await fetch(follower.dataset.importProgress, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const progress = await response.json();
    if (progress.finished) {
      window.location.reload();
      return;
    }
    bar.value = progress.percent;
    bar.textContent = `${progress.percent}%`;
    status.textContent = progress.lines[0];
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
}

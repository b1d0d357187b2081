// The commitments of a "Raise a concern" form narrowed as the user types: the page itself
// is asked with ?find= (the Compact text search, as the "Find" button does without script)
// and only the commitments it lists stay shown; ticked ones always stay. A live region
// says how many are shown.
const box = document.querySelector("#id_find");
const list = box?.closest("fieldset")?.querySelector(".govuk-checkboxes");

if (box && list) {
  const status = document.createElement("p");
  status.className = "govuk-body govuk-visually-hidden";
  status.setAttribute("aria-live", "polite");
  box.closest(".govuk-form-group").append(status);
  let latest = null;
  let timer = null;

  const show = (found) => {
    let shown = 0;
    for (const item of list.querySelectorAll(".govuk-checkboxes__item")) {
      const input = item.querySelector("input");
      const visible = found === null || found.has(input.value) || input.checked;
      // A class, not `hidden`: GOV.UK's display:flex on the item would override the attribute.
      item.classList.toggle("govuk-!-display-none", !visible);
      shown += visible ? 1 : 0;
    }
    status.textContent = `${shown} commitment${shown === 1 ? "" : "s"} shown`;
  };

  const ask = () => {
    const words = box.value.trim();
    latest?.abort();
    if (!words) {
      show(null);
      return;
    }
    latest = new AbortController();
    fetch(`${window.location.pathname}?${new URLSearchParams({ find: words })}`, { signal: latest.signal })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error("not found"))))
      .then((html) => {
        const page = new DOMParser().parseFromString(html, "text/html");
        show(new Set([...page.querySelectorAll("input[name=commitments]")].map((input) => input.value)));
      })
      .catch((error) => {
        if (error.name !== "AbortError") show(null);
      });
  };

  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  });
}

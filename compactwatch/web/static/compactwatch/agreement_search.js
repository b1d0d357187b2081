// The funding-change form's agreement, chosen as the user types: GOV.UK's accessible
// autocomplete over the agreements the user may record a change to
// (compacts/<slug>/records/agreements/?q=...). Without script the same input is searched by
// its "Find agreement" button and the page offers the agreements found as radios.
import "../web/accessible-autocomplete.min.js"; // its build sets self.accessibleAutocomplete

const { accessibleAutocomplete } = self;

function loadStyles() {
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("../web/accessible-autocomplete.min.css", import.meta.url).href;
  document.head.append(link);
}

// The agreements matching `query`; only the newest question's answer is shown.
function searcher(url, status) {
  let latest = null;
  return (query, populate) => {
    latest?.abort();
    latest = new AbortController();
    status.pending = true;
    const address = `${url}?${new URLSearchParams({ q: query })}`;
    fetch(address, { headers: { Accept: "application/json" }, signal: latest.signal })
      .then((response) => (response.ok ? response.json() : { count: 0, results: [] }))
      .then((found) => {
        Object.assign(status, { count: found.count, pending: false });
        populate(found.results);
      })
      .catch((error) => {
        if (error.name === "AbortError") return;
        status.pending = false;
        populate([]);
      });
  };
}

function enhance(box) {
  const group = box.closest(".govuk-form-group");
  const original = box.querySelector("input[type=text]");
  const options = group.querySelector("[data-agreement-options]");
  const checked = options?.querySelector("input[type=radio]:checked");
  const chosen = document.createElement("input");
  chosen.type = "hidden";
  chosen.name = options?.querySelector("input[type=radio]")?.name ?? original.name.replace(/_search$/, "");
  chosen.value = checked?.value ?? "";
  let confirmed = checked ? group.querySelector(`label[for="${checked.id}"]`).textContent.trim() : null;
  // What the hint and any error say, read with the empty input (the autocomplete keeps its
  // own description there, and drops it once the user types).
  const described = (original.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .map((id) => id && document.getElementById(id)?.textContent.trim())
    .filter(Boolean);
  const status = { count: 0, pending: false };
  const container = document.createElement("div");
  box.before(container);
  accessibleAutocomplete({
    element: container,
    id: original.id,
    name: original.name,
    defaultValue: confirmed ?? original.value,
    minLength: 2,
    showNoOptionsFound: true,
    source: searcher(box.dataset.agreementSearch, status),
    templates: {
      inputValue: (agreement) => agreement?.label ?? "",
      suggestion: (agreement) => (typeof agreement === "string" ? agreement : agreement.label),
    },
    onConfirm: (agreement) => {
      if (agreement) {
        chosen.value = agreement.id;
        confirmed = agreement.label;
      }
    },
    inputClasses: original.classList.contains("govuk-input--error") ? "govuk-input--error" : null,
    menuClasses: "govuk-body govuk-!-margin-bottom-0", // GOV.UK's type, not the browser's default
    tNoResults: () =>
      status.pending ? "Searching…" : "No funding agreement you can record a change to matches",
    tStatusResults: (length, selected) =>
      status.count > length
        ? `Showing ${length} of ${status.count} funding agreements; add words to narrow it. ${selected}`
        : `${length} funding ${length === 1 ? "agreement matches" : "agreements match"}. ${selected}`,
    tAssistiveHint: () =>
      [...described, "Type to search, then use up and down arrows to choose an agreement."]
        .map((text) => (/[.!?]$/.test(text) ? text : `${text}.`))
        .join(" "),
  });
  // Words typed after a choice are a new search: the choice no longer stands.
  container.addEventListener("input", (event) => {
    if (event.target.value !== confirmed) chosen.value = "";
  });
  box.remove();
  options?.remove();
  group.append(chosen);
}

const boxes = document.querySelectorAll("[data-agreement-search]");
if (boxes.length && accessibleAutocomplete) {
  loadStyles();
  boxes.forEach(enhance);
}

// Starts GOV.UK Frontend's components (a static file: the Content Security Policy allows no inline script).
import { initAll } from "../web/govuk-frontend.min.js";

initAll();

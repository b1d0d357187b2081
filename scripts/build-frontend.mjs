// Compiles our GOV.UK Frontend stylesheet and copies the script and assets it needs
// into compactwatch/web/static/web/ (built output, not committed).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "compactwatch/web/static/web";
mkdirSync(out, { recursive: true });
const result = sass.compile("compactwatch/web/assets/compactwatch.scss", {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
});
writeFileSync(`${out}/compactwatch.css`, result.css);
const govuk = "node_modules/govuk-frontend/dist/govuk";
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
// The images only: the GDS Transport font is not ours to use.
cpSync(`${govuk}/assets/images`, `${out}/assets/images`, { recursive: true });
console.log(`built ${out}/compactwatch.css`);

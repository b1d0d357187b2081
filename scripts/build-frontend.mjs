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
// GOV.UK's accessible autocomplete, for choosing a funding change's agreement as one types.
const autocomplete = "node_modules/accessible-autocomplete/dist";
for (const file of ["accessible-autocomplete.min.js", "accessible-autocomplete.min.css"]) {
  cpSync(`${autocomplete}/${file}`, `${out}/${file}`);
  // Their source maps too: collectstatic refuses a file that names a map it cannot find.
  cpSync(`${autocomplete}/${file}.map`, `${out}/${file}.map`);
}
console.log(`built ${out}/compactwatch.css`);

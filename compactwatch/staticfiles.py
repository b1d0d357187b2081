"""Static files served by whitenoise, forgiving a missing file.

Django's manifest storage raises for a file that `collectstatic` did not find (the
stylesheet, say, when the package was built without `npm run build`), and the page that
names it fails with a 500. Here the page is served without it (plain, but readable) and
the log says which file is missing and why.
"""

from __future__ import annotations

import logging
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("compactwatch.staticfiles")
# The files compactwatch's own pages name. Other apps' files (Django REST framework's
# stylesheets name source maps it does not ship) are looked up by whitenoise as it starts:
# a miss there says nothing about our pages, so it is logged quietly.
OWN_FILES = ("web/", "compactwatch/")


class ForgivingManifestStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reported: set[str] = set()  # each missing file is logged once

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError as error:
            if name not in self._reported:
                self._reported.add(name)
                collected = self.manifest_storage.exists(self.manifest_name)
                logger.log(
                    logging.WARNING if name.startswith(OWN_FILES) else logging.DEBUG,
                    "The static file %s is missing (%s), so pages are served without it. %s",
                    name,
                    error,
                    "Build the stylesheet with `npm ci && npm run build` before installing "
                    "compactwatch, then run `compactwatch manage collectstatic`."
                    if collected
                    else "The static files were not collected into this data folder: "
                    "`compactwatch serve` collects them, or `compactwatch manage collectstatic`.",
                )
            return name

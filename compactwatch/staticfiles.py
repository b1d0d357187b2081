"""Static files served by whitenoise, forgiving a missing file.

Django's manifest storage raises for a file that `collectstatic` did not find (the
stylesheet, say, when the package was built without `npm run build`), and the page that
names it fails with a 500. Here the page is served without it (plain, but readable) and
the log says which file is missing and why.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("compactwatch.staticfiles")
# The files compactwatch's own pages name. Other apps' files (Django REST framework's
# stylesheets name source maps it does not ship) are looked up by whitenoise as it starts:
# a miss there says nothing about our pages, so it is logged quietly.
OWN_FILES = ("web/", "compactwatch/")
# Set while whitenoise asks, as it starts, whether each collected file has an unhashed twin
# (`web/x.min.map` for `web/x.min.0123456789ab.map`): a miss there is its answer, not a
# file a page names, so it is neither logged nor forgiven.
_whitenoise_asking: ContextVar[bool] = ContextVar("whitenoise_asking", default=False)


class ForgivingManifestStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reported: set[str] = set()  # each missing file is logged once

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError as error:
            if _whitenoise_asking.get():
                raise
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


class WhiteNoise(WhiteNoiseMiddleware):
    """Whitenoise, whose start-up questions about hashed names are answered quietly."""

    def get_static_url(self, name: str) -> str | None:
        token = _whitenoise_asking.set(True)
        try:
            return super().get_static_url(name)
        finally:
            _whitenoise_asking.reset(token)

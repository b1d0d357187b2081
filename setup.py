"""The build refuses to make a package without the compiled stylesheet and GOV.UK
Frontend's script (`npm ci && npm run build` makes them; they are not kept in git): a
package without them would serve unstyled pages. Everything else is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUILT = (
    "compactwatch/web/static/web/compactwatch.css",
    "compactwatch/web/static/web/govuk-frontend.min.js",
)


class BuildPyWithFrontend(build_py):
    def run(self) -> None:
        # An editable install (`make setup`) reads the files in place once they are built.
        missing = [name for name in BUILT if not (HERE / name).is_file()]
        if missing and not self.editable_mode:
            raise SystemExit(
                f"compactwatch: cannot build the package: {', '.join(missing)} not built. "
                "Run `npm ci && npm run build` (or `make frontend`) first."
            )
        super().run()


setup(cmdclass={"build_py": BuildPyWithFrontend})

"""Maps each component folder to ``atrium.<component>``.

The folders have no ``__init__.py`` at their top on purpose: a top-level package named
``platform`` would shadow Python's own ``platform`` module.
"""

from setuptools import find_namespace_packages, setup

COMPONENTS = ["platform", "tenants", "verticals", "billing", "integrations", "web"]
# Folders of templates, static files and catalogs are packages too (data-only), so setuptools
# ships their files without warning that they are absent from the package list.
SKIP = ["*__pycache__*", "*.egg-info*", "*node_modules*"]
DATA = ["*.html", "*.txt", "*.css", "*.js", "*.svg", "*.json", "*.po", "*.ini", "*.mako", "*.sql"]

packages: list[str] = []
package_dir: dict[str, str] = {}
for component in COMPONENTS:
    packages.append(f"atrium.{component}")
    package_dir[f"atrium.{component}"] = component
    packages += [
        f"atrium.{component}.{p}" for p in find_namespace_packages(component, exclude=SKIP)
    ]

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={"": DATA},
    include_package_data=True,
)

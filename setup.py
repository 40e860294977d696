"""Maps each component folder to ``atrium.<component>``.

The folders have no ``__init__.py`` at their top on purpose: a top-level package named
``platform`` would shadow Python's own ``platform`` module.
"""

from setuptools import find_namespace_packages, setup

COMPONENTS = ["platform", "tenants", "verticals", "billing", "integrations", "web"]
SKIP = ["*__pycache__*", "*.templates*", "*.static*", "*.egg-info*"]

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
    package_data={
        "": ["templates/**/*", "locales/**/*.po", "static/**/*", "*.ini", "*.mako", "*.sql"]
    },
    include_package_data=True,
)

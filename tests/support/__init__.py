"""Support code for the tests and the benchmarks in bench/ (not part of the shipped package).

The tests' conftest puts tests/ on sys.path; bench scripts do the same, then `import support.…`.
"""

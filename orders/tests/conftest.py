"""The orders tests' fixtures live in orders/tests/fixtures.py (loaded for every app's tests by the root
conftest); the reference data and numbers in inventory/tests/fixtures.py."""

"""The job-queue tests use the suite's ``make_app`` (tests/conftest.py): apps on the test
database with the settings a test asks for, stopped and emptied afterwards."""

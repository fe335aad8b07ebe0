"""Tests of the PIGE domain (DS 5468): frame, calendar, procedure, progress."""

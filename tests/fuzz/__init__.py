"""Fuzzing Palace's three readers of untrusted input; see README.md here."""

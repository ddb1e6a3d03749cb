"""Failure tests (issue 14); the matrix is filled in below."""

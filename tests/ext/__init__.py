"""Tests of the optional extensions in responder.ext."""
